package syslog

import (
	"encoding"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slogx/handlers/internal/anyfmt"
	"github.com/slogx/handlers/internal/attrwalk"
)

// RFC 5424 limits (§6): header fields are PRINTUSASCII (33..126) of bounded length.
const (
	syslogMaxHostname = 255
	syslogMaxAppName  = 48
	syslogMaxProcID   = 128
	syslogMaxMsgID    = 32
	syslogMaxSDName   = 32
)

// syslogAppendHeaderField appends s as an RFC 5424 header field: bytes outside 33..126 become
// '_', the result is cut to max bytes, and an empty field is the NILVALUE "-".
func syslogAppendHeaderField(dst []byte, s string, max int) []byte {
	if s == "" {
		return append(dst, '-')
	}
	for i := 0; i < len(s) && i < max; i++ {
		c := s[i]
		if c < 33 || c > 126 {
			c = '_'
		}
		dst = append(dst, c)
	}
	return dst
}

// syslogHeaderField is syslogAppendHeaderField into a new string (used at construction).
func syslogHeaderField(s string, max int) string {
	return string(syslogAppendHeaderField(nil, s, max))
}

// syslogIsSDID reports whether key names an RFC 5424 SD-ID in the enterprise form
// "name@number" (e.g. "meta@32473", "app@32473.1"). Only such keys turn a group into an
// SD-ELEMENT: the IANA names without '@' ("meta", "origin") are common group names, and a
// group must not change meaning by accident.
func syslogIsSDID(key string) bool {
	// Every attribute key of a record passes here (see classify), and almost none has an
	// '@': IndexByte rejects them without the byte loop.
	if len(key) < 3 || len(key) > syslogMaxSDName || strings.IndexByte(key, '@') < 0 {
		return false
	}
	at := -1
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '@':
			if at >= 0 {
				return false
			}
			at = i
		case c < 33 || c > 126 || c == '=' || c == ']' || c == '"':
			return false
		case at >= 0 && (c < '0' || c > '9') && c != '.':
			return false
		}
	}
	return at > 0 && at < len(key)-1 && key[at+1] != '.'
}

// syslogValidSDID reports whether id may name the catch-all SD-ELEMENT: an SD-ID of the
// enterprise form "name@number" (syslogIsSDID). RFC 5424 reserves the names without '@'
// for IANA (§6.3.2, §9.2), and the registered ones (timeQuality, origin, meta) admit only
// their own PARAM-NAMEs, which arbitrary attributes are not.
func syslogValidSDID(id string) bool {
	return syslogIsSDID(id)
}

func syslogSDNameByte(c byte) bool {
	return c >= 33 && c <= 126 && c != '=' && c != ']' && c != '"'
}

// syslogAppendSDName appends prefix+key as a PARAM-NAME, one-to-one so that two attributes
// never share a name by sanitizing: '%' and the bytes an SD-NAME cannot hold (outside
// printable ASCII, '=', ' ', ']', '"') are written as "%XX" (hex, as in a URL). A name that
// would exceed RFC 5424's 32 bytes keeps its first 22 bytes (never half an escape) followed
// by "%~" and 8 hex digits of its FNV-1a hash; an empty name is "%~". Escaping never writes
// "%~", so distinct names stay distinct (long ones, up to a 32-bit hash collision).
func syslogAppendSDName(dst []byte, prefix []byte, key string) []byte {
	start := len(dst)
	for _, c := range prefix {
		dst = syslogAppendSDNameByte(dst, c)
	}
	for i := 0; i < len(key); i++ {
		dst = syslogAppendSDNameByte(dst, key[i])
	}
	switch n := len(dst) - start; {
	case n == 0:
		return append(dst, '%', '~')
	case n <= syslogMaxSDName:
		return dst
	}
	h := uint32(2166136261) // FNV-1a over the name as given
	for _, c := range prefix {
		h = (h ^ uint32(c)) * 16777619
	}
	for i := 0; i < len(key); i++ {
		h = (h ^ uint32(key[i])) * 16777619
	}
	cut := start + syslogMaxSDName - 10
	for i := cut - 2; i < cut; i++ {
		if dst[i] == '%' {
			cut = i // keep escapes whole
		}
	}
	dst = append(dst[:cut], '%', '~')
	for shift := 28; shift >= 0; shift -= 4 {
		dst = append(dst, syslogHex[h>>uint(shift)&0xf])
	}
	return dst
}

const syslogHex = "0123456789ABCDEF"

func syslogAppendSDNameByte(dst []byte, c byte) []byte {
	if c == '%' || !syslogSDNameByte(c) {
		return append(dst, '%', syslogHex[c>>4], syslogHex[c&0xf])
	}
	return append(dst, c)
}

// syslogAppendSDEscaped appends s as a PARAM-VALUE body: '"', '\' and ']' are escaped with a
// backslash (RFC 5424 §6.3.3) and invalid UTF-8 becomes U+FFFD, since PARAM-VALUE is UTF-8.
func syslogAppendSDEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '"' || c == '\\' || c == ']' {
				dst = append(dst, '\\')
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

// syslogAppendValueString appends the text of a resolved non-group value, unquoted: strings
// as they are, times in RFC 3339 with nanoseconds, other kinds as slog's Value.String
// formats them (errors, Stringers and TextMarshalers by their text).
func syslogAppendValueString(dst []byte, v slog.Value, esc bool) []byte {
	var scratch [64]byte
	var s []byte
	switch v.Kind() {
	case slog.KindString:
		if esc {
			return syslogAppendSDEscaped(dst, v.String())
		}
		return append(dst, v.String()...)
	case slog.KindInt64:
		s = strconv.AppendInt(scratch[:0], v.Int64(), 10)
	case slog.KindUint64:
		s = strconv.AppendUint(scratch[:0], v.Uint64(), 10)
	case slog.KindFloat64:
		s = strconv.AppendFloat(scratch[:0], v.Float64(), 'g', -1, 64)
	case slog.KindBool:
		s = strconv.AppendBool(scratch[:0], v.Bool())
	case slog.KindDuration:
		return append(dst, v.Duration().String()...)
	case slog.KindTime:
		s = v.Time().AppendFormat(scratch[:0], time.RFC3339Nano)
	default:
		str := syslogAnyString(v.Any())
		if esc {
			return syslogAppendSDEscaped(dst, str)
		}
		return append(dst, str...)
	}
	return append(dst, s...) // digits and time never need escaping
}

// syslogAnyString formats a user value; a panicking String or Error method (nil receiver)
// is reported in the text, as slog does, instead of crashing the program.
func syslogAnyString(a any) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("!PANIC: %v", r)
		}
	}()
	switch x := a.(type) {
	case nil:
		return "<nil>"
	case error:
		return x.Error()
	case encoding.TextMarshaler:
		b, err := x.MarshalText()
		if err != nil {
			return "!ERROR:" + err.Error()
		}
		return string(b)
	case []byte:
		return string(x)
	}
	return anyfmt.Sprint(a, false)
}

// syslogSDWriter appends SD-PARAMs for attributes, walking them by slog's rules and
// flattening nested groups into dotted PARAM-NAMEs.
type syslogSDWriter struct {
	walk   attrwalk.Walker
	prefix []byte    // "g1.g2." of the groups open, prepended to PARAM-NAMEs
	id     [1]string // the groups of an SD-ID group's members, without allocating them
}

// begin readies w for attributes inside groups (for ReplaceAttr), named with prefix.
// Neither may change until the next begin; w keeps appending to prefix.
func (w *syslogSDWriter) begin(rep func([]string, slog.Attr) slog.Attr, groups []string, prefix []byte) {
	w.walk.End()
	w.walk.Begin(attrwalk.Rules{ReplaceAttr: rep}, groups, len(groups))
	w.prefix = prefix
}

// beginSDID readies w for the members of the SD-ID group id, whose PARAM-NAMEs do not
// carry the SD-ID (it names the element) but whose groups, for ReplaceAttr, do.
func (w *syslogSDWriter) beginSDID(rep func([]string, slog.Attr) slog.Attr, id string) {
	w.id[0] = id
	w.begin(rep, w.id[:], w.prefix[:0])
}

func (w *syslogSDWriter) reset() {
	w.walk.End()
	w.id[0] = ""
	w.prefix = w.prefix[:0]
	if cap(w.prefix) > 1024 {
		w.prefix = make([]byte, 0, 64)
	}
}

// appendParam appends ` name="value"` for a (and its members, for a group). It reports
// whether anything was appended.
func (w *syslogSDWriter) appendParam(dst []byte, a slog.Attr) ([]byte, bool) {
	start := len(dst)
	w.walk.Add(a)
	for {
		switch w.walk.Next() {
		case attrwalk.Done:
			return dst, len(dst) > start
		case attrwalk.Open:
			w.prefix = append(append(w.prefix, w.walk.Key()...), '.')
		case attrwalk.Close:
			w.prefix = w.prefix[:len(w.prefix)-len(w.walk.Key())-1]
		case attrwalk.Leaf:
			a := w.walk.Attr()
			dst = append(dst, ' ')
			dst = syslogAppendSDName(dst, w.prefix, a.Key)
			dst = append(dst, '=', '"')
			dst = syslogAppendValueString(dst, a.Value, true)
			dst = append(dst, '"')
		}
	}
}
