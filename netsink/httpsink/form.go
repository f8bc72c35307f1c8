package httpsink

import (
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/slogx/handlers/internal/anyfmt"
	"github.com/slogx/handlers/internal/attrtree"
	"github.com/slogx/handlers/slogx"
)

// httpPythonKeys are the keys of CPython's LogRecord.__dict__ as HTTPHandler sends them, in
// CPython's order. Record attributes with one of these keys are sent with a "_" prefix
// (Python raises KeyError for such an extra=; we keep the value).
var httpPythonKeys = [...]string{
	"name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module",
	"exc_info", "exc_text", "stack_info", "lineno", "funcName", "created", "msecs",
	"relativeCreated", "thread", "threadName", "processName", "process",
	// Not set by LogRecord.__init__ but by Formatter and Python 3.12; reserved all the same.
	"message", "asctime", "taskName",
}

func httpPID() int { return os.Getpid() }

// httpFormEncoder is the body of Python: Python's urlencode(record.__dict__) for one
// record. It is an immutable slogx.Encoder; WithAttrs and WithGroup extend its scope.
type httpFormEncoder struct {
	name  string    // Python's logger name, sent as "name"
	start time.Time // Python's relativeCreated is measured from here
	pid   int
	scope attrtree.Scope
}

func newHTTPFormEncoder(name string, start time.Time) *httpFormEncoder {
	return &httpFormEncoder{name: name, start: start, pid: httpPID(),
		scope: attrtree.New(nil)}
}

// WithOptions implements slogx.Encoder: ReplaceAttr applies to the attributes only.
func (e *httpFormEncoder) WithOptions(o slogx.EncoderOptions) slogx.Encoder {
	e2 := *e
	e2.scope = attrtree.New(o.ReplaceAttr)
	return &e2
}

// WithAttrs implements slogx.Encoder.
func (e *httpFormEncoder) WithAttrs(as []slog.Attr) slogx.Encoder {
	if len(as) == 0 {
		return e
	}
	e2 := *e
	e2.scope = e.scope.WithAttrs(as)
	return &e2
}

// WithGroup implements slogx.Encoder.
func (e *httpFormEncoder) WithGroup(name string) slogx.Encoder {
	if name == "" {
		return e
	}
	e2 := *e
	e2.scope = e.scope.WithGroup(name)
	return &e2
}

// Append appends r as Python's urlencode(record.__dict__): the same keys in the same
// order, values as Python's str() would print them where Go has the concept, and None where
// it does not (threads: Go has goroutines with no identity, as Python with logThreads off).
func (e *httpFormEncoder) Append(b []byte, r slog.Record) []byte {
	t := r.Time
	if t.IsZero() {
		t = time.Now()
	}
	pathname, funcName, line := "(unknown file)", "(unknown function)", 0
	if r.PC != 0 {
		f, _ := runtime.CallersFrames([]uintptr{r.PC}).Next()
		if f.File != "" {
			pathname, line = f.File, f.Line
		}
		if f.Function != "" {
			funcName = f.Function
		}
	}
	filename := filepath.Base(pathname)
	module := strings.TrimSuffix(filename, filepath.Ext(filename))
	if pathname == "(unknown file)" {
		filename, module = pathname, pathname
	}
	created := float64(t.Unix()) + float64(t.Nanosecond())/1e9
	var num [32]byte

	start := len(b)
	key := func(k string) {
		if len(b) > start {
			b = append(b, '&')
		}
		b = httpAppendEscaped(b, k)
		b = append(b, '=')
	}
	kv := func(k, v string) {
		key(k)
		b = httpAppendEscaped(b, v)
	}
	// Numbers need no escaping (digits, '.', '-', 'e'; '+' of an exponent is escaped below).
	kn := func(k string, num []byte) {
		key(k)
		b = httpAppendEscaped(b, string(num))
	}
	kv("name", e.name)
	kv("msg", r.Message)
	kv("args", "()")
	kv("levelname", slogx.PythonLevelName(r.Level))
	kn("levelno", strconv.AppendInt(num[:0], int64(slogx.PythonLevel(r.Level)), 10))
	kv("pathname", pathname)
	kv("filename", filename)
	kv("module", module)
	kv("exc_info", "None")
	kv("exc_text", "None")
	kv("stack_info", "None")
	kn("lineno", strconv.AppendInt(num[:0], int64(line), 10))
	kv("funcName", funcName)
	kn("created", httpPyFloat(num[:0], created))
	kn("msecs", httpPyFloat(num[:0], float64(t.Nanosecond()/1e6)))
	kn("relativeCreated", httpPyFloat(num[:0], float64(t.Sub(e.start))/1e6))
	kv("thread", "None")
	kv("threadName", "None")
	kv("processName", "MainProcess")
	kn("process", strconv.AppendInt(num[:0], int64(e.pid), 10))

	var walk func(prefix string, as []slog.Attr)
	walk = func(prefix string, as []slog.Attr) {
		for _, a := range as {
			k := a.Key
			if prefix != "" {
				k = prefix + k
			}
			if a.Value.Kind() == slog.KindGroup {
				walk(k+".", a.Value.Group())
				continue
			}
			if prefix == "" {
				for httpReserved(k) {
					k = "_" + k
				}
			}
			if a.Value.Kind() == slog.KindString {
				kv(k, a.Value.String())
			} else {
				kv(k, httpPyString(a.Value))
			}
		}
	}
	walk("", e.scope.Attrs(r))
	return b
}

// httpAppendEscaped appends s escaped as Python's urllib.parse.quote_plus (and Go's
// url.QueryEscape) do: letters, digits and "-._~" kept, space as '+', the rest %XX.
func httpAppendEscaped(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}

func httpReserved(k string) bool {
	for _, p := range httpPythonKeys {
		if k == p {
			return true
		}
	}
	return false
}

// httpPyString prints v as Python's str() prints the nearest Python value.
func httpPyString(v slog.Value) string {
	switch v.Kind() {
	case slog.KindBool:
		if v.Bool() {
			return "True"
		}
		return "False"
	case slog.KindFloat64:
		return string(httpPyFloat(nil, v.Float64()))
	case slog.KindTime:
		return v.Time().Format(time.RFC3339Nano)
	case slog.KindAny:
		if v.Any() == nil {
			return "None"
		}
		return anyfmt.Sprint(v.Any(), false)
	}
	return v.String()
}

// httpPyFloat appends f as Python's repr(float): the shortest round-trip digits, ".0" on
// integral values, exponent form below 1e-4 and from 1e16 on.
func httpPyFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "nan"...)
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	}
	if abs := math.Abs(f); abs != 0 && (abs < 1e-4 || abs >= 1e16) {
		return strconv.AppendFloat(b, f, 'e', -1, 64)
	}
	n := len(b)
	b = strconv.AppendFloat(b, f, 'f', -1, 64)
	for _, c := range b[n:] {
		if c == '.' {
			return b
		}
	}
	return append(b, ".0"...)
}
