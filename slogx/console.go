package slogx

import (
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slogx/handlers/internal/attrwalk"
)

// ColorMode says when Console colors its output.
type ColorMode uint8

const (
	// ColorAuto colors when the writer is a terminal and NO_COLOR is unset or empty
	// (https://no-color.org) and TERM is not "dumb". The writer is ConsoleOptions.Writer if
	// set, else the writer of the Handler the encoder is given to.
	ColorAuto ColorMode = iota
	// ColorAlways colors whatever the writer and the environment.
	ColorAlways
	// ColorNever never colors.
	ColorNever
)

// ConsoleOptions configures Console.
type ConsoleOptions struct {
	// TimeFormat is the layout (time.Time.Format) of the record's time, printed in the
	// time's own location (slog.Logger stamps records with time.Now, local time). Empty
	// means "15:04:05.000".
	TimeFormat string

	// Color chooses when to color: ColorAuto (the zero value), ColorAlways or ColorNever.
	Color ColorMode

	// Writer, if set, is the writer ColorAuto checks, once, by Console. It is not needed
	// with a Handler: nil means the writer of the Handler (NewHandler, Open, and every
	// handler of this module built on them) the encoder is given to, checked once, when the
	// Handler is built; an encoder used outside any Handler with a nil Writer never colors.
	// A writer colors when it is a terminal: it has a file descriptor (an Fd method, as
	// *os.File) that is one, or it wraps one that does, found through an Unwrap() io.Writer
	// method (as sinks.NewStream's writer has). On Windows a console without ANSI support is
	// switched to virtual terminal processing (Windows 10 and later); where that fails, no
	// color.
	Writer io.Writer
}

// DefaultConsoleTimeFormat is the time layout of ConsoleOptions with an empty TimeFormat.
const DefaultConsoleTimeFormat = "15:04:05.000"

// Console returns an encoder writing one line per record for people reading a terminal, in
// the manner of zap's development encoder and zerolog's ConsoleWriter:
//
//	15:04:05.000 INFO  listening port=8080 req.method=GET
//	15:04:05.001 ERROR query failed db=main
//	  err:
//	    timeout
//	    while reading row 3
//
// In order: the time (TimeFormat; omitted when the record has none), the level padded to
// five columns ("INFO ", "WARN ", "ERROR", "DEBUG"; slog's offsets such as "INFO+2" are
// longer and printed whole), the logger name, with AddSource the caller as dir/file.go:line,
// the message (if any), then the attributes as key=value, group members dotted
// (req.method=GET), keys and values quoted exactly as slog.TextHandler quotes them. The
// message is written as is, unless it holds a newline, a control character or invalid UTF-8:
// then it is quoted as Go quotes strings, so that a message can neither break the line nor
// send escape sequences to the terminal.
//
// The logger name is the value of a LoggerKey attribute at the top level, the record's own
// (the first) or else the handler's (the last added with WithAttrs before any WithGroup), as
// for Pattern's %(name)s: slog.New(h).With(slogx.LoggerKey, "app.db") prints "app.db" after
// the level. Top-level LoggerKey attributes make the column and are not repeated among the
// attributes; one inside a group is an attribute like any other. Without one there is no
// column; an empty name is none.
//
// A value whose text spans lines (a string, an error, anything else formatted with %+v,
// as Text formats it) leaves the line: after it, in attribute order, comes the key
// (dotted, then ':') indented by two spaces, and each line of the value indented by four.
// A final newline of the value is not shown, "\r\n" counts as a newline, and control
// characters other than tab are escaped (\x1b).
//
// ReplaceAttr sees time, level, msg, source and the logger name as slog's handlers call it
// for built-ins (no groups) and may remove them or change their values; they keep their
// places, so a renamed key is not shown. Attributes follow slog's rules exactly as JSON and
// Text apply them.
//
// Whether to color is decided once: by Console when ConsoleOptions.Writer is set, else when
// a Handler is built with the encoder (see ColorAuto). With color, the time, the caller and
// the keys are dimmed and the level colored by severity: DEBUG blue, INFO green, WARN
// yellow, ERROR red, ERROR+4 and above bold red. Without color the output is plain bytes,
// stable from release to release.
func Console(o ConsoleOptions) Encoder {
	e := &console{layout: o.TimeFormat, times: new(timeCache)}
	if o.Color == ColorAuto && o.Writer == nil {
		e.auto = true
	} else {
		e.color = o.Color.enabled(o.Writer)
	}
	if e.layout == "" {
		e.layout = DefaultConsoleTimeFormat
	}
	return e
}

type console struct {
	layout string
	color  bool
	auto   bool // ColorAuto without a Writer: the Handler's writer decides, in withWriter
	opts   EncoderOptions
	name   []byte // the handler's logger name column, formatted; nil: none

	// pre holds the attributes added with WithAttrs, encoded, space-separated; preBlock
	// their multi-line values, each beginning with a newline.
	pre, preBlock []byte
	groupPrefix   string   // the dotted prefix of the groups opened in pre
	groups        []string // all groups started with WithGroup
	nOpenGroups   int      // how many of groups are opened in pre
	times         *timeCache
}

func (e *console) clone() *console {
	c := *e
	c.pre, c.preBlock, c.groups = slices.Clip(e.pre), slices.Clip(e.preBlock), slices.Clip(e.groups)
	return &c
}

// rules are slog's attribute rules. A group left hollow shows nothing in dotted form, so
// Console drops it, as slog documents.
func (e *console) rules() attrwalk.Rules {
	return attrwalk.Rules{ReplaceAttr: e.opts.ReplaceAttr}
}

// withWriter decides ColorAuto for the Handler's writer w when no Writer was given.
func (e *console) withWriter(w io.Writer) Encoder {
	if !e.auto {
		return e
	}
	c := e.clone()
	c.auto, c.color = false, ColorAuto.enabled(w)
	return c
}

// WithOptions implements Encoder.
func (e *console) WithOptions(o EncoderOptions) Encoder {
	c := e.clone()
	c.opts = o
	return c
}

// WithGroup implements Encoder.
func (e *console) WithGroup(name string) Encoder {
	if name == "" {
		return e
	}
	c := e.clone()
	c.groups = append(c.groups, name)
	return c
}

// WithAttrs implements Encoder. A top-level LoggerKey attribute becomes the logger column.
func (e *console) WithAttrs(as []slog.Attr) Encoder {
	var name []byte
	named := false
	if len(e.groups) == 0 && slices.ContainsFunc(as, isLoggerAttr) {
		rest := make([]slog.Attr, 0, len(as)-1)
		for _, a := range as {
			if !isLoggerAttr(a) {
				rest = append(rest, a)
				continue
			}
			s := consoleState{e: e}
			s.logger(a)
			name, named = s.buf, true
		}
		as = rest
	}
	if countEmptyGroups(as) == len(as) {
		if !named {
			return e
		}
		c := e.clone()
		c.name = name
		return c
	}
	c := e.clone()
	if named {
		c.name = name
	}
	block := c.preBlock
	s := consoleState{e: c, buf: c.pre, started: len(c.pre) > 0, block: &block}
	if e.groupPrefix != "" {
		s.prefixWrite(e.groupPrefix)
	}
	s.walk.Begin(e.rules(), e.groups, e.nOpenGroups)
	for _, a := range as {
		s.attr(a)
	}
	if s.prefix != nil {
		c.groupPrefix = string(*s.prefix)
	}
	c.nOpenGroups = s.walk.BaseOpen()
	c.pre, c.preBlock = s.buf, block
	s.block = nil // not pooled
	s.free()
	return c
}

// Append implements Encoder.
func (e *console) Append(dst []byte, r slog.Record) []byte {
	s := consoleState{e: e, buf: dst}
	rules := e.rules()
	rep := e.opts.ReplaceAttr
	if !r.Time.IsZero() {
		t := r.Time.Round(0) // strip the monotonic reading, as slog does
		if rep == nil {
			s.field()
			s.color(ansiDim)
			s.buf = e.appendTime(s.buf, t)
			s.color(ansiReset)
		} else if a, ok := rules.Builtin(slog.Time(slog.TimeKey, t)); ok {
			s.field()
			s.color(ansiDim)
			s.headerValue(a.Value)
			s.color(ansiReset)
		}
	}
	s.level(r.Level)
	top := len(e.groups) == 0 // the record's attributes are at the top level
	if !top || !s.recordLogger(&r) {
		if len(e.name) > 0 {
			s.field()
			s.buf = append(s.buf, e.name...)
		}
	}
	if e.opts.AddSource {
		if src := r.Source(); src != nil {
			if a, ok := rules.Builtin(slog.Any(slog.SourceKey, src)); ok {
				s.field()
				s.color(ansiDim)
				s.headerValue(a.Value)
				s.color(ansiReset)
			}
		}
	}
	if rep == nil {
		if r.Message != "" {
			s.field()
			s.buf = appendConsoleText(s.buf, r.Message)
		}
	} else if a, ok := rules.Builtin(slog.String(slog.MessageKey, r.Message)); ok &&
		!(a.Value.Kind() == slog.KindString && a.Value.String() == "") {
		s.field()
		s.headerValue(a.Value)
	}
	if len(e.pre) > 0 {
		s.field()
		s.buf = append(s.buf, e.pre...)
	}
	if r.NumAttrs() > 0 {
		if e.groupPrefix != "" {
			s.prefixWrite(e.groupPrefix)
		}
		s.walk.Begin(rules, e.groups, e.nOpenGroups)
		r.Attrs(func(a slog.Attr) bool {
			if !top || !isLoggerAttr(a) {
				s.attr(a)
			}
			return true
		})
	}
	s.buf = append(s.buf, e.preBlock...)
	if s.block != nil {
		s.buf = append(s.buf, *s.block...)
	}
	s.free()
	return s.buf
}

func isLoggerAttr(a slog.Attr) bool { return a.Key == LoggerKey }

// recordLogger writes the logger column from the record's first LoggerKey attribute, if it
// has one, and reports whether it has.
func (s *consoleState) recordLogger(r *slog.Record) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		if isLoggerAttr(a) {
			s.logger(a)
			found = true
			return false
		}
		return true
	})
	return found
}

// logger writes the logger column of the LoggerKey attribute a, as ReplaceAttr leaves it
// (nothing if it removes it or leaves an empty string).
func (s *consoleState) logger(a slog.Attr) {
	a.Value = a.Value.Resolve()
	a, ok := s.e.rules().Builtin(a)
	if !ok || (a.Value.Kind() == slog.KindString && a.Value.String() == "") {
		return
	}
	s.field()
	s.headerValue(a.Value)
}

// appendTime appends the record's time in the layout. The default layout takes the clock
// from the cache Text and JSON use, which saves a calendar computation per record.
func (e *console) appendTime(b []byte, t time.Time) []byte {
	if e.layout != DefaultConsoleTimeFormat {
		return t.AppendFormat(b, e.layout)
	}
	c := e.times.entry(t)
	if c == nil {
		return t.AppendFormat(b, e.layout)
	}
	ms := t.Nanosecond() / 1e6
	b = append(b, c.date[11:19]...) // 2006-01-02T15:04:05
	return append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
}

// level writes the level column, colored by l, whatever ReplaceAttr made of it.
func (s *consoleState) level(l slog.Level) {
	if s.e.opts.ReplaceAttr == nil {
		s.field()
		s.color(levelColor(l))
		n := len(s.buf)
		s.buf = appendLevel(s.buf, l)
		s.pad = 5 - (len(s.buf) - n)
		s.color(ansiReset)
		return
	}
	a, ok := s.e.rules().Builtin(slog.Any(slog.LevelKey, l))
	if !ok {
		return
	}
	s.field()
	s.color(levelColor(l))
	n := len(s.buf)
	if lv, isLevel := levelOf(a.Value); isLevel {
		s.buf = appendLevel(s.buf, lv)
	} else {
		s.headerValue(a.Value)
	}
	s.pad = 5 - (len(s.buf) - n)
	s.color(ansiReset)
}

func levelOf(v slog.Value) (slog.Level, bool) {
	if v.Kind() != slog.KindAny {
		return 0, false
	}
	l, ok := v.Any().(slog.Level)
	return l, ok
}

// appendLevel appends l as slog.Level.String does ("INFO", "WARN+2", "DEBUG-4"), without
// allocating.
func appendLevel(b []byte, l slog.Level) []byte {
	base, name := slog.LevelError, "ERROR"
	switch {
	case l < slog.LevelInfo:
		base, name = slog.LevelDebug, "DEBUG"
	case l < slog.LevelWarn:
		base, name = slog.LevelInfo, "INFO"
	case l < slog.LevelError:
		base, name = slog.LevelWarn, "WARN"
	}
	b = append(b, name...)
	if d := l - base; d != 0 {
		if d > 0 {
			b = append(b, '+')
		}
		b = strconv.AppendInt(b, int64(d), 10)
	}
	return b
}

// headerValue writes a built-in's value as ReplaceAttr left it: a time in the layout, a
// source as dir/file.go:line, a string as a message is written, anything else as Text.
func (s *consoleState) headerValue(v slog.Value) {
	switch v.Kind() {
	case slog.KindTime:
		s.buf = v.Time().AppendFormat(s.buf, s.e.layout)
	case slog.KindString:
		s.buf = appendConsoleText(s.buf, v.String())
	case slog.KindAny:
		if src, ok := v.Any().(*slog.Source); ok {
			s.buf = appendConsoleText(s.buf, shortSource(src))
			return
		}
		fallthrough
	default:
		s.buf = appendTextValue(s.buf, v)
	}
}

// shortSource is the caller as zap's short caller encoder writes it: the file's directory,
// file name and line ("slogx/console.go:42"). Runtime paths use '/' on every system.
func shortSource(src *slog.Source) string {
	f := src.File
	if i := strings.LastIndexByte(f, '/'); i >= 0 {
		if j := strings.LastIndexByte(f[:i], '/'); j >= 0 {
			f = f[j+1:]
		}
	}
	return f + ":" + strconv.Itoa(src.Line)
}
