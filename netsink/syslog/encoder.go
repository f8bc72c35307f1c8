package syslog

import (
	"bytes"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/slogx/handlers/internal/buffer"
	"github.com/slogx/handlers/slogx"
)

// syslogConfig is the per-handler part of a syslog line that never changes after
// construction; header fields are sanitized once here.
type syslogConfig struct {
	format   Format // resolved: never SyslogDefault
	facility Facility
	severity func(slog.Level) Severity
	msgIDKey string // "" when MSGID extraction is off
	sdID     string // the catch-all SD-ID, or ""
	ident    string // Python format prefix
	now      func() time.Time

	head5424 string           // " HOSTNAME APP-NAME PROCID "
	times    syslogTimeCache  // the TIMESTAMP's second, shared by derived encoders
	stamps   syslogStampCache // the same for RFC 3164's TIMESTAMP
	tail3164 string           // " HOSTNAME TAG[PID]: ", or without HOSTNAME on local sockets
}

// syslogSDElem is an SD-ELEMENT precomputed by WithAttrs: its SD-ID and its encoded
// ` name="value"` params.
type syslogSDElem struct {
	id     string
	params []byte
}

// syslogEncoder is the slogx.Encoder behind Syslog: it writes a whole syslog message
// (PRI, header, STRUCTURED-DATA, MSG) without framing, which the connection adds.
type syslogEncoder struct {
	cfg    *syslogConfig
	body   slogx.Encoder // the user's Encoder (custom) or slogx.TextAttrs()
	custom bool
	opts   slogx.EncoderOptions

	groups      []string // groups opened with WithGroup
	groupPrefix []byte   // "g1.g2." for catch-all SD-PARAM names
	msgID       string   // MSGID from WithAttrs, sanitized; "" for none
	sd          []syslogSDElem
}

func (e *syslogEncoder) clone() *syslogEncoder {
	e2 := *e
	e2.groups = slices.Clip(e.groups)
	e2.groupPrefix = slices.Clip(e.groupPrefix)
	e2.sd = slices.Clip(e.sd)
	return &e2
}

// WithOptions implements slogx.Encoder.
func (e *syslogEncoder) WithOptions(o slogx.EncoderOptions) slogx.Encoder {
	e2 := e.clone()
	e2.opts = o
	e2.body = e.body.WithOptions(o)
	return e2
}

// WithGroup implements slogx.Encoder.
func (e *syslogEncoder) WithGroup(name string) slogx.Encoder {
	if name == "" {
		return e
	}
	e2 := e.clone()
	e2.groups = append(e2.groups, name)
	e2.groupPrefix = append(append(e2.groupPrefix, name...), '.')
	e2.body = e.body.WithGroup(name)
	return e2
}

// WithAttrs implements slogx.Encoder. In RFC 5424 it moves the MSGID attribute to the
// header and SD-ID groups (and, with a catch-all SD-ID, every other attribute) to
// STRUCTURED-DATA; the rest goes to the MSG body encoder.
func (e *syslogEncoder) WithAttrs(as []slog.Attr) slogx.Encoder {
	if len(as) == 0 {
		return e
	}
	e2 := e.clone()
	if e.cfg.format != RFC5424 {
		e2.body = e.body.WithAttrs(as)
		return e2
	}
	var rest []slog.Attr
	for _, a := range as {
		v := a.Value.Resolve()
		switch {
		case e.isMsgID(a.Key, v):
			e2.msgID = string(syslogAppendMsgID(nil, v))
		case e.isSDGroup(a.Key, v):
			var w syslogSDWriter
			w.beginSDID(e.opts.ReplaceAttr, a.Key)
			var p []byte
			for _, m := range v.Group() {
				p, _ = w.appendParam(p, m)
			}
			w.reset()
			e2.addSD(a.Key, p)
		case e.cfg.sdID != "":
			var w syslogSDWriter
			w.begin(e.opts.ReplaceAttr, e.groups, slices.Clone(e.groupPrefix))
			p, _ := w.appendParam(nil, a)
			w.reset()
			e2.addSD(e.cfg.sdID, p)
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) > 0 {
		e2.body = e2.body.WithAttrs(rest)
	}
	return e2
}

// addSD appends params to the element id, creating it (in first-seen order) if needed:
// RFC 5424 forbids the same SD-ID twice in one message.
func (e *syslogEncoder) addSD(id string, params []byte) {
	if len(params) == 0 {
		return
	}
	for i := range e.sd {
		if e.sd[i].id == id {
			e.sd[i].params = append(slices.Clip(e.sd[i].params), params...)
			return
		}
	}
	e.sd = append(e.sd, syslogSDElem{id: id, params: params})
}

// Classes of a top-level record attribute in RFC 5424.
const (
	syslogInMSG = iota
	syslogIsMsgID
	syslogIsSDGroup
)

// classify says where a goes in RFC 5424. It looks at the key before resolving the value, so
// that a LogValuer is resolved here only when its key could make it a MSGID or SD group.
func (e *syslogEncoder) classify(a slog.Attr) (int, slog.Value) {
	if len(e.groups) > 0 || (a.Key != e.cfg.msgIDKey && !syslogIsSDID(a.Key)) {
		return syslogInMSG, a.Value
	}
	v := a.Value.Resolve()
	switch {
	case e.isMsgID(a.Key, v):
		return syslogIsMsgID, v
	case e.isSDGroup(a.Key, v):
		return syslogIsSDGroup, v
	}
	return syslogInMSG, v
}

func (e *syslogEncoder) isMsgID(key string, v slog.Value) bool {
	return e.cfg.msgIDKey != "" && len(e.groups) == 0 && key == e.cfg.msgIDKey && v.Kind() != slog.KindGroup
}

func (e *syslogEncoder) isSDGroup(key string, v slog.Value) bool {
	return len(e.groups) == 0 && v.Kind() == slog.KindGroup && syslogIsSDID(key)
}

func (e *syslogEncoder) inPreSD(id string) bool {
	for i := range e.sd {
		if e.sd[i].id == id {
			return true
		}
	}
	return false
}

// Append implements slogx.Encoder: one complete syslog message, unframed.
func (e *syslogEncoder) Append(dst []byte, r slog.Record) []byte {
	cfg := e.cfg
	sev := cfg.severity(r.Level)
	if sev < LOG_EMERG || sev > LOG_DEBUG {
		sev = LOG_WARNING // a user mapping out of range must not change the facility bits
	}
	dst = append(dst, '<')
	dst = strconv.AppendInt(dst, int64(encodePriority(cfg.facility, sev)), 10)
	dst = append(dst, '>')
	switch cfg.format {
	case RFC3164:
		t := r.Time
		if t.IsZero() {
			t = cfg.now() // RFC 3164 has no NILVALUE for the timestamp
		}
		dst = cfg.stamps.appendStamp(dst, t)
		dst = append(dst, cfg.tail3164...)
		start := len(dst)
		dst = e.appendBody(dst, r)
		return syslogEscapeControls(dst, start)
	case Python:
		dst = append(dst, cfg.ident...)
		dst = e.appendBody(dst, r)
		return append(dst, 0)
	}
	return e.append5424(dst, r)
}

func (e *syslogEncoder) append5424(dst []byte, r slog.Record) []byte {
	cfg := e.cfg
	dst = append(dst, '1', ' ')
	badTime := false // a time RFC 5424 cannot write: kept in the catch-all element
	if r.Time.IsZero() {
		dst = append(dst, '-')
	} else {
		var ok bool
		dst, ok = cfg.times.appendTimestamp(dst, r.Time)
		badTime = !ok && cfg.sdID != ""
	}
	dst = append(dst, cfg.head5424...)

	// One pass over the record finds what leaves the MSG body.
	var msgID slog.Value
	hasMsgID, hasSDGroup := false, false
	if len(e.groups) == 0 && r.NumAttrs() > 0 {
		r.Attrs(func(a slog.Attr) bool {
			switch class, v := e.classify(a); class {
			case syslogIsMsgID:
				msgID, hasMsgID = v, true
			case syslogIsSDGroup:
				hasSDGroup = true
			}
			return true
		})
	}
	switch {
	case hasMsgID:
		dst = syslogAppendMsgID(dst, msgID)
	case e.msgID != "":
		dst = append(dst, e.msgID...)
	default:
		dst = append(dst, '-')
	}
	dst = append(dst, ' ')
	dst = e.appendSD(dst, r, hasSDGroup, badTime)

	br := r
	if hasMsgID || hasSDGroup || (cfg.sdID != "" && r.NumAttrs() > 0) {
		br = slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
		if cfg.sdID == "" {
			r.Attrs(func(a slog.Attr) bool {
				if class, _ := e.classify(a); class == syslogInMSG {
					br.AddAttrs(a)
				}
				return true
			})
		}
	}
	mark := len(dst)
	dst = append(dst, ' ')
	dst = e.appendBody(dst, br)
	if len(dst) == mark+1 {
		dst = dst[:mark] // no MSG: RFC 5424 omits the SP too
	} else if bytes.HasPrefix(dst[mark+1:], syslogBOM) {
		// A MSG that starts with U+FEFF is read as MSG-UTF8, and its first character
		// dropped as the BOM (syslog-ng does): a BOM before it keeps the text whole.
		dst = slices.Insert(dst, mark+1, syslogBOM...)
	}
	return dst
}

// syslogBOM is RFC 5424's BOM, which starts a MSG-UTF8.
var syslogBOM = []byte{0xef, 0xbb, 0xbf}

// syslogSDWriterPool keeps SD writers with their group and prefix buffers, so that records
// with STRUCTURED-DATA do not allocate them.
var syslogSDWriterPool = sync.Pool{New: func() any {
	return &syslogSDWriter{prefix: make([]byte, 0, 64)}
}}

// appendSD appends STRUCTURED-DATA: the elements from WithAttrs, merged with the record's
// SD-ID groups of the same SD-ID, then the record's other SD-ID groups, then the catch-all
// element; "-" when there is none. With badTime the catch-all element carries the record's
// time, which the TIMESTAMP could not, as its first record param.
func (e *syslogEncoder) appendSD(dst []byte, r slog.Record, hasSDGroup, badTime bool) []byte {
	cfg := e.cfg
	if len(e.sd) == 0 && !hasSDGroup && !badTime && (cfg.sdID == "" || r.NumAttrs() == 0) {
		return append(dst, '-')
	}
	start := len(dst)
	w := syslogSDWriterPool.Get().(*syslogSDWriter)
	rep := e.opts.ReplaceAttr
	recordParams := func(dst []byte, id string) []byte {
		if hasSDGroup {
			r.Attrs(func(a slog.Attr) bool {
				if a.Key != id {
					return true
				}
				if class, v := e.classify(a); class == syslogIsSDGroup {
					w.beginSDID(rep, id)
					for _, m := range v.Group() {
						dst, _ = w.appendParam(dst, m)
					}
				}
				return true
			})
		}
		if id == cfg.sdID && badTime {
			dst = append(dst, ' ')
			dst = append(dst, syslogTimeParam...)
			dst = append(dst, '=', '"')
			dst = r.Time.AppendFormat(dst, time.RFC3339Nano)
			dst = append(dst, '"')
		}
		if id == cfg.sdID && r.NumAttrs() > 0 {
			w.begin(rep, e.groups, append(w.prefix[:0], e.groupPrefix...))
			r.Attrs(func(a slog.Attr) bool {
				if class, v := e.classify(a); class == syslogInMSG {
					dst, _ = w.appendParam(dst, slog.Attr{Key: a.Key, Value: v})
				}
				return true
			})
		}
		return dst
	}
	for i := range e.sd {
		el := &e.sd[i]
		dst = append(dst, '[')
		dst = append(dst, el.id...)
		dst = append(dst, el.params...)
		dst = recordParams(dst, el.id)
		dst = append(dst, ']')
	}
	catchAllDone := cfg.sdID == "" || e.inPreSD(cfg.sdID)
	if hasSDGroup {
		i := 0
		r.Attrs(func(a slog.Attr) bool {
			i++
			if class, _ := e.classify(a); class != syslogIsSDGroup || e.inPreSD(a.Key) || e.seenSDGroup(r, a.Key, i-1) {
				return true
			}
			if a.Key == cfg.sdID {
				catchAllDone = true
			}
			dst = e.appendElem(dst, a.Key, recordParams)
			return true
		})
	}
	if !catchAllDone {
		dst = e.appendElem(dst, cfg.sdID, recordParams)
	}
	w.reset()
	syslogSDWriterPool.Put(w)
	if len(dst) == start {
		dst = append(dst, '-')
	}
	return dst
}

// appendElem appends [id params] unless it would have no params.
func (e *syslogEncoder) appendElem(dst []byte, id string, params func([]byte, string) []byte) []byte {
	pos := len(dst)
	dst = append(dst, '[')
	dst = append(dst, id...)
	n := len(dst)
	dst = params(dst, id)
	if len(dst) == n {
		return dst[:pos]
	}
	return append(dst, ']')
}

// seenSDGroup reports whether one of the first n attrs of r is an SD-ID group named id.
func (e *syslogEncoder) seenSDGroup(r slog.Record, id string, n int) bool {
	seen := false
	r.Attrs(func(a slog.Attr) bool {
		if n == 0 {
			return false
		}
		n--
		if class, _ := e.classify(a); a.Key == id && class == syslogIsSDGroup {
			seen = true
			return false
		}
		return true
	})
	return seen
}

// appendBody appends the MSG: the body encoder's output for a custom Encoder, else the
// message followed by the attributes in logfmt. br is the record the body sees (without what went to the header and STRUCTURED-DATA). Invalid UTF-8
// becomes U+FFFD so that the MSG is the BOM-less UTF-8 it claims to be.
func (e *syslogEncoder) appendBody(dst []byte, br slog.Record) []byte {
	start := len(dst)
	if e.custom {
		dst = e.body.Append(dst, br)
	} else {
		dst = append(dst, br.Message...)
		mark := len(dst)
		if len(br.Message) > 0 {
			dst = append(dst, ' ')
		}
		n := len(dst)
		dst = e.body.Append(dst, br)
		if len(dst) == n {
			dst = dst[:mark]
		}
	}
	if !utf8.Valid(dst[start:]) {
		dst = syslogFixUTF8(dst, start)
	}
	return dst
}

// syslogFixUTF8 replaces invalid UTF-8 in dst[start:] with U+FFFD.
func syslogFixUTF8(dst []byte, start int) []byte {
	buf := buffer.Get()
	tmp := append((*buf)[:0], dst[start:]...)
	dst = dst[:start]
	for i := 0; i < len(tmp); {
		r, size := utf8.DecodeRune(tmp[i:])
		if r == utf8.RuneError && size == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, tmp[i:i+size]...)
		}
		i += size
	}
	*buf = tmp
	buffer.Put(buf)
	return dst
}

// syslogEscapeControls rewrites the control characters (0x00-0x1F, 0x7F) of dst[start:]
// as '#' and three octal digits ("#012" for LF), the escape rsyslog applies on receipt:
// RFC 3164 expects a printable MSG, and parsers reject or split on control characters.
func syslogEscapeControls(dst []byte, start int) []byte {
	i := start
	for i < len(dst) && dst[i] >= 0x20 && dst[i] != 0x7f {
		i++
	}
	if i == len(dst) {
		return dst
	}
	buf := buffer.Get()
	tmp := append((*buf)[:0], dst[i:]...)
	dst = dst[:i]
	for _, c := range tmp {
		if c < 0x20 || c == 0x7f {
			dst = append(dst, '#', '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
		} else {
			dst = append(dst, c)
		}
	}
	*buf = tmp
	buffer.Put(buf)
	return dst
}

// syslogAppendMsgID appends v as an RFC 5424 MSGID: its text, bytes outside 33..126 as '_',
// at most 32 bytes, "-" when empty.
func syslogAppendMsgID(dst []byte, v slog.Value) []byte {
	start := len(dst)
	dst = syslogAppendValueString(dst, v, false)
	if len(dst) == start {
		return append(dst, '-')
	}
	if len(dst)-start > syslogMaxMsgID {
		dst = dst[:start+syslogMaxMsgID]
	}
	for i := start; i < len(dst); i++ {
		if c := dst[i]; c < 33 || c > 126 {
			dst[i] = '_'
		}
	}
	return dst
}
