package slogx

import (
	"log/slog"

	"github.com/slogx/handlers/internal/attrwalk"
	"github.com/slogx/handlers/internal/jsonstr"
)

// The direct path of JSON and Text: the encoding of a record when no attribute can come out
// other than as it went in, which is every record of an encoder without ReplaceAttr whose
// groups are all open already (JSON) or that has none (Text). Built-ins are written as
// constants, plain attributes (attrwalk.PlainKind) straight from the record, and only the
// others (groups, LogValuers, Any values) go through the attribute walker, one at a time on
// a walker of their own: with no ReplaceAttr and every base group open, the walk of one
// attribute does not depend on the ones before it. The output is byte for byte that of
// appendWalked (TestDifferentialStructured and the escaping tests compare both with slog).

// direct reports whether records take the direct path.
func (e *structured) direct() bool {
	return e.opts.ReplaceAttr == nil && e.nOpenGroups == len(e.groups) && (e.json || len(e.groups) == 0)
}

// appendRecord is Append for a record the caller holds: Handler passes a pointer to its own
// copy, which saves copying the 300-byte record once more (see recordEncoder).
func (e *structured) appendRecord(dst []byte, r *slog.Record) []byte {
	if !e.direct() {
		return e.appendWalked(dst, r)
	}
	if e.json {
		return e.appendJSONDirect(dst, r)
	}
	return e.appendTextDirect(dst, r)
}

func (e *structured) appendJSONDirect(b []byte, r *slog.Record) []byte {
	// The monotonic reading that slog strips with Round(0) changes nothing formatted.
	if r.Time.IsZero() {
		b = append(b, '{')
	} else {
		b = append(b, `{"time":`...)
		b = appendJSONTime(b, r.Time, e.times)
		b = append(b, ',')
	}
	if name := slogLevelName(r.Level); name != "" {
		b = append(b, `"level":"`...)
		b = append(b, name...)
		b = append(b, '"')
	} else {
		b = append(b, `"level":`...)
		b = jsonstr.Append(b, r.Level.String())
	}
	if e.opts.AddSource {
		b, _ = e.appendWalkedAttr(b, true, slog.Any(slog.SourceKey, recordSource(r)))
	}
	b = append(b, `,"msg":`...)
	b = jsonstr.Append(b, r.Message)
	b = e.appendJSONAttrs(b, r, true)
	for range e.groups {
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendJSONAttrs appends the precomputed attributes and those of r, each after a comma if
// comma (or anything was written before it).
func (e *structured) appendJSONAttrs(b []byte, r *slog.Record, comma bool) []byte {
	if pre := e.pre; len(pre) > 0 {
		if comma {
			b = append(b, ',')
		}
		b = append(b, pre...)
		comma = pre[len(pre)-1] != '{' // a group opened last has no member yet
	}
	// Every attribute is written after a comma (a closure this small is inlined, with b a
	// local, not a captured variable); without one wanted, the first comma is taken out.
	at := len(b)
	r.Attrs(func(a slog.Attr) bool {
		b = e.appendJSONAttr(b, a)
		return true
	})
	if !comma && len(b) > at && b[at] == ',' {
		b = append(b[:at], b[at+1:]...)
	}
	return b
}

// appendJSONAttr appends a comma and a.
func (e *structured) appendJSONAttr(b []byte, a slog.Attr) []byte {
	k := a.Value.Kind()
	if !attrwalk.PlainKind(k) {
		b, _ = e.appendWalkedAttr(b, true, a)
		return b
	}
	b = jsonstr.AppendMember(b, a.Key)
	// The kinds of appendJSONPlain most attributes have, without its call.
	switch v := a.Value; k {
	case slog.KindString:
		return jsonstr.Append(b, v.String())
	case slog.KindInt64:
		return appendInt(b, v.Int64())
	case slog.KindDuration:
		return appendInt(b, int64(v.Duration()))
	case slog.KindBool:
		return appendBool(b, v.Bool())
	case slog.KindFloat64:
		return appendJSONFloat(b, v.Float64())
	default:
		return appendJSONPlain(b, v, k)
	}
}

func (e *structured) appendTextDirect(b []byte, r *slog.Record) []byte {
	if !r.Time.IsZero() {
		b = append(b, "time="...)
		b = e.times.appendRFC3339Millis(b, r.Time)
		b = append(b, ' ')
	}
	if name := slogLevelName(r.Level); name != "" {
		b = append(b, "level="...)
		b = append(b, name...)
	} else {
		b = append(b, "level="...)
		b = appendTextString(b, r.Level.String())
	}
	if e.opts.AddSource {
		b, _ = e.appendWalkedAttr(b, true, slog.Any(slog.SourceKey, recordSource(r)))
	}
	b = append(b, " msg="...)
	b = appendTextString(b, r.Message)
	b, _ = e.appendTextAttrs(b, r, true, false)
	return b
}

// appendTextAttrs appends the precomputed attributes and those of r, each after a space if
// space (or anything was written before it). With seeLogger, it also reports whether one of
// r's attributes has the key LoggerKey: Pattern learns in this pass that the name it wrote
// is the usual one, without a pass of its own over the record.
func (e *structured) appendTextAttrs(b []byte, r *slog.Record, space, seeLogger bool) (_ []byte, sawLogger bool) {
	if pre := e.pre; len(pre) > 0 {
		if space {
			b = append(b, ' ')
		}
		b = append(b, pre...)
		space = true
	}
	// As in appendJSONAttrs: every attribute after a space, the first taken out if unwanted.
	// Two loops, so that Text's has nothing more to keep in registers.
	at := len(b)
	if seeLogger {
		saw := false
		r.Attrs(func(a slog.Attr) bool {
			if len(a.Key) == len(LoggerKey) && a.Key == LoggerKey {
				saw = true
			}
			b = e.appendTextAttr(b, a)
			return true
		})
		sawLogger = saw
	} else {
		r.Attrs(func(a slog.Attr) bool {
			b = e.appendTextAttr(b, a)
			return true
		})
	}
	if !space && len(b) > at && b[at] == ' ' {
		b = append(b[:at], b[at+1:]...)
	}
	return b, sawLogger
}

// appendTextAttr appends a space and a.
func (e *structured) appendTextAttr(b []byte, a slog.Attr) []byte {
	k := a.Value.Kind()
	if !attrwalk.PlainKind(k) {
		b, _ = e.appendWalkedAttr(b, true, a)
		return b
	}
	b = append(b, ' ')
	b = appendTextString(b, a.Key)
	b = append(b, '=')
	return appendTextValue(b, a.Value)
}

// appendWalkedAttr appends a, which is not plain, through the walker, after a separator if
// sep; it reports whether the next attribute needs a separator.
//
//go:noinline
func (e *structured) appendWalkedAttr(b []byte, sep bool, a slog.Attr) ([]byte, bool) {
	var s state
	s.init(e, b)
	if sep {
		s.sep = e.attrSep()
	}
	s.appendAttr(a)
	s.free()
	return s.buf, s.sep != ""
}

// recordSource is r's source for AddSource; slog writes an empty one for a record without a
// PC (which the walker then drops).
func recordSource(r *slog.Record) *slog.Source {
	if src := r.Source(); src != nil {
		return src
	}
	return &slog.Source{}
}
