// Portions of this file are adapted from the Go standard library's log/slog (handler.go,
// json_handler.go, text_handler.go), Copyright 2022 The Go Authors, BSD-style license.
// They are kept close to the original on purpose: JSON() and Text() must produce exactly the
// bytes slog.JSONHandler and slog.TextHandler produce, so consumers of those formats need no
// change.

package slogx

import (
	"log/slog"
	"slices"
	"time"

	"github.com/slogx/handlers/internal/attrwalk"
	"github.com/slogx/handlers/internal/buffer"
	"github.com/slogx/handlers/internal/jsonstr"
)

// structured is the one encoder core behind JSON() and Text(): attribute walking, group
// handling, ReplaceAttr and precomputation live here once; the json flag selects the syntax.
type structured struct {
	json bool
	opts EncoderOptions
	// pre holds the attrs added with WithAttrs, already encoded.
	pre []byte
	// groupPrefix is for text only: the "a.b." prefix of groups already opened in pre.
	groupPrefix string
	groups      []string // all groups started with WithGroup
	nOpenGroups int      // how many of groups are opened inside pre
	times       *timeCache
}

// JSON returns an encoder producing the same bytes as slog.JSONHandler: one JSON object per
// record with keys time, level, source (with AddSource), msg, then the attributes, groups as
// nested objects.
func JSON() Encoder { return &structured{json: true, times: new(timeCache)} }

// Text returns an encoder producing the same bytes as slog.TextHandler (logfmt): key=value
// pairs separated by spaces, group members qualified as group.key.
func Text() Encoder { return &structured{times: new(timeCache)} }

func (e *structured) clone() *structured {
	e2 := new(structured)
	e.cloneInto(e2)
	return e2
}

func (e *structured) cloneInto(e2 *structured) {
	*e2 = structured{
		json:        e.json,
		opts:        e.opts,
		pre:         slices.Clip(e.pre),
		groupPrefix: e.groupPrefix,
		groups:      slices.Clip(e.groups),
		nOpenGroups: e.nOpenGroups,
		times:       e.times,
	}
}

// WithOptions implements Encoder.
func (e *structured) WithOptions(o EncoderOptions) Encoder {
	e2 := e.clone()
	e2.opts = o
	return e2
}

// WithGroup implements Encoder.
func (e *structured) WithGroup(name string) Encoder {
	if name == "" {
		return e
	}
	e2 := e.clone()
	e2.groups = append(e2.groups, name)
	return e2
}

// WithAttrs implements Encoder.
func (e *structured) WithAttrs(as []slog.Attr) Encoder {
	if countEmptyGroups(as) == len(as) {
		return e
	}
	e2 := new(structured)
	e.withAttrsInto(e2, nil, as)
	return e2
}

// derivedHandler is a Handler derived with WithAttrs from a Handler with a structured
// encoder: the Handler, its encoder and room for the encoder's precomputed attributes in
// one allocation. A per-request logger (With of a few attributes, then a record or two)
// paid one allocation for each, and more while the attributes' buffer grew.
type derivedHandler struct {
	h   Handler
	e   structured
	pre [192]byte // most With calls encode to less; more takes one allocation, sized
}

// handlerWithAttrs is Handler.WithAttrs for a handler whose encoder is e.
func (e *structured) handlerWithAttrs(h *Handler, as []slog.Attr) *Handler {
	if countEmptyGroups(as) == len(as) {
		return h
	}
	d := new(derivedHandler)
	buf := d.pre[:0]
	if n := len(e.pre) + encodedSizeHint(as); n > len(d.pre) {
		buf = make([]byte, 0, n)
	}
	e.withAttrsInto(&d.e, buf, as)
	d.h = newHandlerOf(&d.e, h.level, h.out)
	return &d.h
}

// encodedSizeHint is about how many bytes as take encoded, erring high: it sizes the
// precomputed attributes' buffer, so that it is allocated once.
func encodedSizeHint(as []slog.Attr) int {
	n := 0
	for _, a := range as {
		n += len(a.Key) + 4 // quotes, colon, separator
		switch a.Value.Kind() {
		case slog.KindString:
			n += len(a.Value.String()) + len(a.Value.String())/8 + 2
		case slog.KindGroup:
			n += encodedSizeHint(a.Value.Group()) + 2
		default:
			n += 40
		}
	}
	return n
}

// withAttrsInto makes e2 e with as precomputed, appending the encoded attributes to e's
// after copying these to buf (so that e's are never written to).
func (e *structured) withAttrsInto(e2 *structured, buf []byte, as []slog.Attr) {
	e.cloneInto(e2)
	var s state
	s.init(e2, append(buf, e.pre...))
	defer s.free()
	if e.groupPrefix != "" {
		s.prefixWrite(e.groupPrefix)
	}
	if pfa := e.pre; len(pfa) > 0 {
		s.sep = e.attrSep()
		if e.json && pfa[len(pfa)-1] == '{' {
			s.sep = ""
		}
	}
	// The groups not yet open in pre open before the first attr written, if any is.
	s.begin(e.groups, e.nOpenGroups)
	for _, a := range as {
		s.appendAttr(a)
	}
	if s.prefix != nil {
		e2.groupPrefix = string(*s.prefix)
	}
	e2.nOpenGroups = s.walk.BaseOpen()
	e2.pre = slices.Clip(s.buf) // derived encoders append to a copy
}

// rules are slog's attribute rules as slog's own handlers apply them, quirks included, so
// that the output matches theirs byte for byte.
func (e *structured) rules() attrwalk.Rules {
	return attrwalk.Rules{ReplaceAttr: e.opts.ReplaceAttr, HollowGroups: true, SourceGroups: e.json}
}

func countEmptyGroups(as []slog.Attr) int {
	n := 0
	for _, a := range as {
		if a.Value.Kind() == slog.KindGroup && len(a.Value.Group()) == 0 {
			n++
		}
	}
	return n
}

func (e *structured) attrSep() string {
	if e.json {
		return ","
	}
	return " "
}

// Append implements Encoder.
func (e *structured) Append(dst []byte, r slog.Record) []byte {
	return e.appendRecord(dst, &r)
}

// appendWalked appends r with every attribute through the walker: the path of records the
// direct path (appendRecord) cannot take, with ReplaceAttr or groups still to open.
func (e *structured) appendWalked(dst []byte, r *slog.Record) []byte {
	// The state lives here and is initialized in place: returning it from a constructor
	// copied it (Walker included, some 400 bytes) once per record.
	var s state
	s.init(e, dst)
	rep := e.opts.ReplaceAttr
	if !r.Time.IsZero() {
		t := r.Time.Round(0) // strip the monotonic reading, as slog.Time does
		if rep == nil {
			if e.json {
				s.buf = append(s.buf, `{"time":`...)
			} else {
				s.buf = append(s.buf, "time="...)
			}
			s.sep = e.attrSep()
			s.appendTime(t)
		} else {
			if e.json {
				s.buf = append(s.buf, '{')
			}
			s.appendAttr(slog.Time(slog.TimeKey, t))
		}
	} else if e.json {
		s.buf = append(s.buf, '{')
	}
	if rep == nil {
		s.appendSep()
		// slog's four levels are constants: write them whole, without Level.String and
		// without scanning them for characters to escape.
		if name := slogLevelName(r.Level); name != "" {
			if e.json {
				s.buf = append(s.buf, `"level":"`...)
				s.buf = append(s.buf, name...)
				s.buf = append(s.buf, '"')
			} else {
				s.buf = append(s.buf, "level="...)
				s.buf = append(s.buf, name...)
			}
		} else {
			if e.json {
				s.buf = append(s.buf, `"level":`...)
			} else {
				s.buf = append(s.buf, "level="...)
			}
			s.appendString(r.Level.String())
		}
		s.sep = e.attrSep()
	} else {
		s.appendAttr(slog.Any(slog.LevelKey, r.Level))
	}
	if e.opts.AddSource {
		src := r.Source()
		if src == nil {
			src = &slog.Source{}
		}
		s.appendAttr(slog.Any(slog.SourceKey, src))
	}
	if rep == nil {
		s.appendSep()
		if e.json {
			s.buf = append(s.buf, `"msg":`...)
		} else {
			s.buf = append(s.buf, "msg="...)
		}
		s.sep = e.attrSep()
		s.appendString(r.Message)
	} else {
		s.appendAttr(slog.String(slog.MessageKey, r.Message))
	}
	s.appendNonBuiltIns(r)
	s.free()
	return s.buf
}

// slogLevelName returns the name of slog's own levels, which Level.String prints as is, and ""
// for the others (DEBUG+2 and such), which take Level.String.
func slogLevelName(l slog.Level) string {
	switch l {
	case slog.LevelDebug:
		return "DEBUG"
	case slog.LevelInfo:
		return "INFO"
	case slog.LevelWarn:
		return "WARN"
	case slog.LevelError:
		return "ERROR"
	}
	return ""
}

// state holds what one Append (or WithAttrs) call needs while walking attributes.
type state struct {
	e      *structured
	buf    []byte
	sep    string  // written before the next key
	prefix *[]byte // text only: qualified-key prefix; nil until a group needs one
	// direct caches walk.Direct(): plain attributes are written without the walker. It is
	// refreshed whenever the walker runs (see appendAttr).
	direct bool
	walk   attrwalk.Walker
}

// init starts s with the built-in attributes, which are in no group: ReplaceAttr sees no
// groups for them.
func (s *state) init(e *structured, buf []byte) {
	s.e, s.buf = e, buf
	s.begin(nil, 0)
}

// begin (re)starts the walk inside groups, of which the first open are open in the output.
func (s *state) begin(groups []string, open int) {
	s.walk.Begin(s.e.rules(), groups, open)
	s.direct = s.walk.Direct()
}

func (s *state) free() {
	s.walk.End()
	if s.prefix != nil {
		buffer.Put(s.prefix)
		s.prefix = nil
	}
}

func (s *state) prefixWrite(p string) {
	if s.prefix == nil {
		s.prefix = buffer.Get()
	}
	*s.prefix = append(*s.prefix, p...)
}

func (s *state) appendNonBuiltIns(r *slog.Record) {
	e := s.e
	if pfa := e.pre; len(pfa) > 0 {
		s.appendSep()
		s.buf = append(s.buf, pfa...)
		s.sep = e.attrSep()
		if e.json && pfa[len(pfa)-1] == '{' {
			s.sep = ""
		}
	}
	// Attrs of the record are inside the groups started with WithGroup, which open before
	// the first attr written. A record without attrs opens no group.
	nOpenGroups := e.nOpenGroups
	first := true
	r.Attrs(func(a slog.Attr) bool {
		if first {
			// Found out here rather than with r.NumAttrs, which copies the record.
			first = false
			if e.groupPrefix != "" {
				s.prefixWrite(e.groupPrefix)
			}
			if len(e.groups) > 0 {
				// Without groups the walk begun by init goes on as it is: it was begun
				// with no groups, all (none) open, and the built-ins left it between
				// attributes.
				s.walk.End()
				s.begin(e.groups, e.nOpenGroups)
			}
		}
		s.appendAttr(a)
		return true
	})
	if !first {
		nOpenGroups = s.walk.BaseOpen()
	}
	if e.json {
		for range e.groups[:nOpenGroups] {
			s.buf = append(s.buf, '}')
		}
		s.buf = append(s.buf, '}')
	}
}

func (s *state) openGroup(name string) {
	if s.e.json {
		s.appendKey(name)
		s.buf = append(s.buf, '{')
		s.sep = ""
	} else {
		s.prefixWrite(name)
		*s.prefix = append(*s.prefix, '.')
	}
}

func (s *state) closeGroup(name string) {
	if s.e.json {
		s.buf = append(s.buf, '}')
	} else {
		*s.prefix = (*s.prefix)[:len(*s.prefix)-len(name)-1]
	}
	s.sep = s.e.attrSep()
}

// appendAttr appends a as slog's rules have it: the walker decides, this writes.
func (s *state) appendAttr(a slog.Attr) {
	// The path almost every attribute takes: a plain value while the walk is direct (see
	// attrwalk.Walker.Direct) is written at once. Kind is computed here once and passed on:
	// Value.Kind is a type switch, and it was computed twice per attribute before.
	if k := a.Value.Kind(); s.direct && attrwalk.PlainKind(k) {
		if s.e.json {
			// Inline the JSON key. The JSON separator is "," or "": a byte append avoids a
			// memmove call.
			b := appendJSONKey(s.buf, s.sep != "", a.Key)
			s.buf = appendJSONPlain(b, a.Value, k)
			s.sep = ","
			return
		}
		s.appendKey(a.Key)
		s.buf = appendTextValue(s.buf, a.Value)
		return
	}
	s.walk.Add(a)
	for {
		switch s.walk.Next() {
		case attrwalk.Done:
			s.direct = s.walk.Direct()
			return
		case attrwalk.Open:
			s.openGroup(s.walk.Key())
		case attrwalk.Close:
			s.closeGroup(s.walk.Key())
		case attrwalk.Leaf:
			s.appendLeaf(s.walk.Attr())
		}
	}
}

func (s *state) appendLeaf(a slog.Attr) {
	if a.Value.Kind() == slog.KindAny { // Any() of other kinds allocates
		if src, ok := a.Value.Any().(*slog.Source); ok {
			// JSON walks the source as a group (Rules.SourceGroups); text prints file:line.
			a.Value = slog.StringValue(sourceText(src))
		}
	}
	s.appendKey(a.Key)
	s.appendValue(a.Value)
}

// appendSep writes the pending separator. It is always one byte or none (",", " ", ""), and
// a byte append is cheaper than a string append, which calls memmove.
func (s *state) appendSep() {
	if s.sep != "" {
		s.buf = append(s.buf, s.sep[0])
	}
}

func (s *state) appendKey(key string) {
	s.appendSep()
	if s.prefix != nil && len(*s.prefix) > 0 {
		s.appendTwoStrings(string(*s.prefix), key)
	} else {
		s.appendString(key)
	}
	if s.e.json {
		s.buf = append(s.buf, ':')
	} else {
		s.buf = append(s.buf, '=')
	}
	s.sep = s.e.attrSep()
}

func (s *state) appendString(str string) {
	if s.e.json {
		s.buf = jsonstr.Append(s.buf, str)
	} else {
		s.buf = appendTextString(s.buf, str)
	}
}

func (s *state) appendTwoStrings(x, y string) {
	if s.e.json {
		s.buf = append(s.buf, '"')
		s.buf = jsonstr.AppendEscaped(s.buf, x)
		s.buf = jsonstr.AppendEscaped(s.buf, y)
		s.buf = append(s.buf, '"')
		return
	}
	s.buf = appendTextTwoStrings(s.buf, x, y)
}

func (s *state) appendValue(v slog.Value) {
	if s.e.json {
		s.buf = appendJSONValue(s.buf, v)
	} else {
		s.buf = appendTextValue(s.buf, v)
	}
}

func (s *state) appendTime(t time.Time) {
	if s.e.json {
		s.buf = appendJSONTime(s.buf, t, s.e.times)
	} else {
		s.buf = s.e.times.appendRFC3339Millis(s.buf, t)
	}
}
