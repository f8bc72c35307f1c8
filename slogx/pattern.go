package slogx

import (
	"fmt"
	"github.com/slogx/handlers/internal/anyfmt"
	"github.com/slogx/handlers/internal/strftime"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// LoggerKey is the attribute that names the logger for Pattern's %(name)s, Python's logger
// name: slog.New(h).With(slogx.LoggerKey, "app.db"). Without it the name is "root".
const LoggerKey = "logger"

// Pattern returns an encoder that formats records like Python's logging.Formatter with a
// %-style format string, so existing Python log formats keep their look:
//
//	%(asctime)s %(levelname)-8s %(name)s: %(message)s
//
// Fields: asctime (datefmt as strftime; empty datefmt is Python's "2006-01-02 15:04:05,000"),
// created, msecs, relativeCreated (ms since the encoder was made), levelname (DEBUG, INFO,
// WARNING, ERROR, CRITICAL for level 12 and above; "Level N" for levels in between, as
// logging.getLevelName), levelno (Python's number), name (the LoggerKey attribute, or "root"),
// message, pathname, filename, module, lineno, funcName (from the record's PC), process,
// thread (the goroutine id) and, beyond Python, attrs: the record's and handler's attributes
// in logfmt (as Text), which is how attributes reach the output at all. Conversions s, d, i,
// f, F, e, E, g, G, x, X, o with Python's flags, width and precision (%(levelname)-8s).
//
// Text fields are written raw, as CPython writes them: a message with a newline makes two
// lines, and can forge a record in a file. PatternWith with EscapeControls writes every
// record as one line.
//
// An unknown field, conversion or strftime directive is an error here, not at log time.
func Pattern(format, datefmt string) (Encoder, error) {
	p := &pattern{attrs: TextAttrs().(textAttrs), pid: os.Getpid(), start: time.Now(), name: "root",
		times: new(timeCache)}
	var err error
	if datefmt != "" {
		if p.datefmt, err = strftime.Compile(datefmt); err != nil {
			return nil, fmt.Errorf("slogx.Pattern: %w", err)
		}
	}
	if p.parts, err = compilePattern(format); err != nil {
		return nil, fmt.Errorf("slogx.Pattern: %w", err)
	}
	names, nameAt, attrsAt := 0, -1, -1
	for i, f := range p.parts {
		switch f.key {
		case "pathname", "filename", "module", "lineno", "funcName":
			p.needSource = true
		}
		switch {
		case f.field == fieldName:
			names++
			if f.plainS {
				nameAt = i
			}
		case f.field == fieldAttrs && f.plainS && attrsAt < 0:
			attrsAt = i
		}
	}
	p.nameFirst = names == 1 && nameAt >= 0 && nameAt < attrsAt
	if p.nameFirst {
		p.nameLit, p.parts[nameAt].lit = p.parts[nameAt].lit, ""
		p.litName = p.nameLit + p.name
	}
	return p, nil
}

// MustPattern is Pattern for formats known to be valid; it panics on an error.
func MustPattern(format, datefmt string) Encoder {
	e, err := Pattern(format, datefmt)
	if err != nil {
		panic(err)
	}
	return e
}

type pattern struct {
	parts      []patternPart
	datefmt    strftime.Format
	attrs      textAttrs // %(attrs)s, carrying WithAttrs/WithGroup
	name       string
	pid        int
	start      time.Time
	needSource bool
	// nameFirst: the format's one name field is a plain %s before its first plain %s attrs
	// field. Its name is then written as the handler's (the usual one) and corrected after
	// the attributes, in the rare record that has a LoggerKey attribute of its own: the
	// attributes' pass tells, and no pass over the record looks for it first.
	nameFirst bool
	nameLit   string     // with nameFirst, the literal before the name, taken out of its part
	litName   string     // nameLit + name, written in one copy
	escape    bool       // PatternOptions.EscapeControls
	times     *timeCache // asctime's default form; shared with derived encoders
}

type patternPart struct {
	lit    string // written before the field
	key    string // empty for the literal at the end of the format
	field  patternField
	width  int    // %-8s and %8s: padded by hand (see padS), by runes as fmt pads
	left   bool   // %-8s: pad on the right
	padS   bool   // an s conversion with a width and at most the - flag
	verb   byte   // Python conversion
	gofmt  string // Go verb with flags for fmt, when plain is false
	plain  bool   // no flags, width or precision: append directly
	plainS bool   // plain and the conversion is s
	numInt bool   // the conversion wants an integer
	numFlt bool   // the conversion wants a float
	// levels: for a levelname field converted with %s (padded or not), the five Python
	// level names as the conversion writes them after the literal, so that a record's costs
	// a copy; lit is then empty and levelLit the literal, for the other levels.
	levels   *[5]string
	levelLit string
}

// patternField numbers the fields, so that Append switches on a small integer rather than
// comparing the field's name with up to sixteen strings per field per record.
type patternField uint8

const (
	fieldLiteral patternField = iota
	fieldAsctime
	fieldCreated
	fieldMsecs
	fieldRelativeCreated
	fieldLevelname
	fieldLevelno
	fieldName
	fieldMessage
	fieldPathname
	fieldFilename
	fieldModule
	fieldLineno
	fieldFuncName
	fieldProcess
	fieldThread
	fieldAttrs
)

var patternKeys = map[string]patternField{
	"asctime": fieldAsctime, "created": fieldCreated, "msecs": fieldMsecs,
	"relativeCreated": fieldRelativeCreated, "levelname": fieldLevelname, "levelno": fieldLevelno,
	"name": fieldName, "message": fieldMessage, "pathname": fieldPathname,
	"filename": fieldFilename, "module": fieldModule, "lineno": fieldLineno,
	"funcName": fieldFuncName, "process": fieldProcess, "thread": fieldThread, "attrs": fieldAttrs,
}

func compilePattern(f string) ([]patternPart, error) {
	var parts []patternPart
	lit := []byte{}
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			lit = append(lit, f[i])
			continue
		}
		if i+1 < len(f) && f[i+1] == '%' {
			lit = append(lit, '%')
			i++
			continue
		}
		if i+1 >= len(f) || f[i+1] != '(' {
			return nil, fmt.Errorf("format %q: %% at %d must be %%%% or %%(field)", f, i)
		}
		end := strings.IndexByte(f[i:], ')')
		if end < 0 {
			return nil, fmt.Errorf("format %q: unclosed %%(", f)
		}
		key := f[i+2 : i+end]
		field, ok := patternKeys[key]
		if !ok {
			return nil, fmt.Errorf("format %q: unknown field %q", f, key)
		}
		j := i + end + 1
		specStart := j
		for j < len(f) && strings.IndexByte("#0- +", f[j]) >= 0 {
			j++
		}
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			j++
		}
		if j < len(f) && f[j] == '.' {
			j++
			for j < len(f) && f[j] >= '0' && f[j] <= '9' {
				j++
			}
		}
		if j >= len(f) {
			return nil, fmt.Errorf("format %q: field %q has no conversion", f, key)
		}
		verb := f[j]
		p := patternPart{key: key, field: field, verb: verb}
		spec := f[specStart:j]
		if verb == 's' {
			// A width with or without '-' is padded by hand (as fmt pads: by runes).
			w := strings.TrimPrefix(spec, "-")
			if n, err := strconv.Atoi(w); err == nil && w[0] >= '1' && w[0] <= '9' {
				p.padS, p.width, p.left = true, n, len(w) < len(spec)
			}
		}
		goVerb := verb
		switch verb {
		case 's':
		case 'd', 'i':
			p.numInt, goVerb = true, 'd'
		case 'x', 'X', 'o':
			p.numInt = true
		case 'f', 'F', 'e', 'E', 'g', 'G':
			p.numFlt = true
			if verb == 'F' {
				goVerb = 'f'
			}
		default:
			return nil, fmt.Errorf("format %q: unsupported conversion %%%c for %q", f, verb, key)
		}
		p.plain = spec == "" && (verb == 's' || verb == 'd' || verb == 'i')
		p.plainS = p.plain && verb == 's'
		p.gofmt = "%" + spec + string(goVerb)
		// The literal before a field goes with it: one part per field, not two, in the
		// loop every record runs.
		p.lit = string(lit)
		if field == fieldLevelname && verb == 's' && (p.plain || p.padS) {
			// The names have no control characters: escaping does not change them. The
			// literal goes in front of each, one copy per record instead of two.
			p.levels = new([5]string)
			for i, l := range pythonLevels {
				p.levels[i] = p.lit + string(p.appendString(nil, PythonLevelName(l), false))
			}
			p.levelLit, p.lit = p.lit, ""
		}
		lit = lit[:0]
		parts = append(parts, p)
		i = j
	}
	if len(lit) > 0 {
		parts = append(parts, patternPart{lit: string(lit)})
	}
	return parts, nil
}

func (p *pattern) clone() *pattern {
	c := *p
	return &c
}

// WithOptions implements Encoder. ReplaceAttr applies to %(attrs)s, and AddSource adds the
// source to it; the source fields of the format work either way.
func (p *pattern) WithOptions(o EncoderOptions) Encoder {
	c := p.clone()
	c.attrs = p.attrs.WithOptions(o).(textAttrs)
	return c
}

// WithAttrs implements Encoder. A top-level LoggerKey attribute becomes %(name)s.
func (p *pattern) WithAttrs(as []slog.Attr) Encoder {
	c := p.clone()
	c.attrs = p.attrs.WithAttrs(as).(textAttrs)
	if len(p.attrs.s.groups) == 0 {
		for _, a := range as {
			if a.Key == LoggerKey {
				c.name = anyfmt.ValueString(a.Value.Resolve())
			}
		}
		c.litName = c.nameLit + c.name
	}
	return c
}

// WithGroup implements Encoder.
func (p *pattern) WithGroup(name string) Encoder {
	if name == "" {
		return p
	}
	c := p.clone()
	c.attrs = p.attrs.WithGroup(name).(textAttrs)
	return c
}

// Append implements Encoder.
func (p *pattern) Append(b []byte, r slog.Record) []byte {
	return p.appendRecord(b, &r)
}

// appendRecord is Append for a record the caller holds (Handler passes a pointer to its own
// copy). The fields of the usual formats are written here, without a patternValue; every
// other field and conversion takes appendField.
func (p *pattern) appendRecord(b []byte, r *slog.Record) []byte {
	var fr *runtime.Frame
	if p.needSource && r.PC != 0 {
		f, _ := runtime.CallersFrames([]uintptr{r.PC}).Next()
		fr = &f
	}
	namePos := -1 // where the name was written, if nameFirst
	parts := p.parts
	for i := range parts {
		f := &parts[i]
		// Literals between fields are mostly a separator of a byte or two (" ", ": "):
		// byte appends, not a copy call each.
		switch l := f.lit; len(l) {
		case 0:
		case 1:
			b = append(b, l[0])
		case 2:
			b = append(b, l[0], l[1])
		default:
			b = append(b, l...)
		}
		switch f.field {
		case fieldLiteral:
			continue
		case fieldAsctime:
			if f.plainS {
				b = p.appendAsctime(b, r.Time)
				continue
			}
		case fieldLevelname:
			if i := pythonLevelIndex(r.Level); i >= 0 && f.levels != nil {
				b = append(b, f.levels[i]...)
			} else {
				b = append(b, f.levelLit...)
				b = f.appendString(b, PythonLevelName(r.Level), p.escape)
			}
			continue
		case fieldName:
			if p.nameFirst {
				if !p.escape {
					b = append(b, p.litName...)
					namePos = len(b) - len(p.name)
					continue
				}
				b = append(b, p.nameLit...)
			}
			b = f.appendText(b, p.loggerName(r), p.escape)
			continue
		case fieldMessage:
			b = f.appendText(b, r.Message, p.escape)
			continue
		case fieldAttrs:
			if f.plainS {
				if namePos < 0 {
					b = p.attrs.appendRecord(b, r)
					continue
				}
				var saw bool
				if a := p.attrs.s; a.direct() && !a.opts.AddSource {
					b, saw = a.appendTextAttrs(b, r, false, true) // the usual case, one call less
				} else {
					b, saw = p.attrs.appendRecordSeeing(b, r, true)
				}
				if saw {
					if name := p.loggerName(r); name != p.name {
						b = replaceAt(b, namePos, len(p.name), name)
					}
				}
				namePos = -1
				continue
			}
		}
		b = p.appendField(b, f, r, fr)
	}
	return b
}

// appendField appends a field with its conversion, the general way: through a patternValue.
// fr is the record's frame when the format needs one, else nil.
func (p *pattern) appendField(b []byte, f *patternPart, r *slog.Record, fr *runtime.Frame) []byte {
	if fr == nil {
		fr = &runtime.Frame{}
	}
	var v patternValue
	switch f.field {
	case fieldAsctime:
		v = strValue(string(p.appendAsctime(nil, r.Time)))
	case fieldCreated:
		v = floatValue(float64(r.Time.UnixNano()) / 1e9)
	case fieldMsecs:
		v = floatValue(float64(r.Time.Nanosecond() / 1e6))
	case fieldRelativeCreated:
		v = floatValue(float64(r.Time.Sub(p.start)) / float64(time.Millisecond))
	case fieldLevelno:
		v = intValue(int64(PythonLevel(r.Level)))
	case fieldPathname:
		v = strValue(fr.File)
	case fieldFilename:
		v = strValue(filepath.Base(fr.File))
	case fieldModule:
		v = strValue(strings.TrimSuffix(filepath.Base(fr.File), ".go"))
	case fieldLineno:
		v = intValue(int64(fr.Line))
	case fieldFuncName:
		v = strValue(fr.Function)
	case fieldProcess:
		v = intValue(int64(p.pid))
	case fieldThread:
		v = intValue(goroutineID())
	case fieldAttrs:
		v = strValue(string(p.attrs.appendRecord(nil, r)))
	}
	return f.appendValue(b, v, p.escape)
}

// pythonLevels are the slog levels of Python's five named levels, in the order of
// patternPart.levels.
var pythonLevels = [5]slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError, LevelCritical}

// pythonLevelIndex is l's index in pythonLevels, or -1. Those levels are -4 to 12 by 4.
func pythonLevelIndex(l slog.Level) int {
	if i := uint(l + 4); i <= 16 && i%4 == 0 {
		return int(i / 4)
	}
	return -1
}

// patternValue is a field's value before conversion: Python's % converts by the conversion
// letter, not by the value's type.
type patternValue struct {
	kind byte // 's', 'i' or 'f'
	s    string
	n    int64
	x    float64
}

func strValue(s string) patternValue    { return patternValue{kind: 's', s: s} }
func intValue(n int64) patternValue     { return patternValue{kind: 'i', n: n} }
func floatValue(x float64) patternValue { return patternValue{kind: 'f', x: x} }

// appendValue converts v as Python's % does: %d of a float truncates, %f of an int widens,
// %s of a number prints it. A string under a numeric conversion (a TypeError in Python) is
// printed as is, since losing the log line would be worse.
// With escape, a string's control characters are escaped (PatternOptions.EscapeControls).
func (f *patternPart) appendValue(b []byte, v patternValue, escape bool) []byte {
	switch {
	case f.numInt && v.kind != 's':
		n := v.n
		if v.kind == 'f' {
			n = int64(v.x)
		}
		if f.plain {
			return appendInt(b, n)
		}
		return fmt.Appendf(b, f.gofmt, n)
	case f.numFlt && v.kind != 's':
		x := v.x
		if v.kind == 'i' {
			x = float64(v.n)
		}
		return fmt.Appendf(b, f.gofmt, x)
	}
	switch v.kind {
	case 'i':
		return f.appendString(b, strconv.FormatInt(v.n, 10), false)
	case 'f':
		return f.appendString(b, strconv.FormatFloat(v.x, 'f', -1, 64), false)
	}
	return f.appendString(b, v.s, escape)
}

// appendString converts a string (or a number already printed, with escape false) as %s
// does, with the part's width and flags. The fields that are strings (levelname, name,
// message, ...) come here directly, without a patternValue.
func (f *patternPart) appendString(b []byte, s string, escape bool) []byte {
	if f.plain || f.numInt || f.numFlt {
		return appendPatternText(b, s, escape)
	}
	if f.padS {
		// %-8s and %8s without fmt: fmt.Appendf allocated (its argument escapes) and costs
		// a few hundred instructions. Spaces are never escaped, so padding the escaped text
		// is the same as escaping the padded text.
		pad := f.width - utf8.RuneCountInString(s)
		if !f.left {
			b = appendSpaces(b, pad)
		}
		b = appendPatternText(b, s, escape)
		if f.left {
			b = appendSpaces(b, pad)
		}
		return b
	}
	if escape {
		// After formatting, so that a precision never cuts an escape in two.
		return appendPatternText(b, string(fmt.Appendf(nil, f.gofmt, s)), true)
	}
	return fmt.Appendf(b, f.gofmt, s)
}

// appendText is appendString for a text field, with the usual case (plain %s, nothing to
// escape) inline.
func (f *patternPart) appendText(b []byte, s string, escape bool) []byte {
	if f.plain && !escape {
		return append(b, s...)
	}
	return f.appendString(b, s, escape)
}

// replaceAt replaces the n bytes of b at i with s.
func replaceAt(b []byte, i, n int, s string) []byte {
	if len(s) <= n {
		copy(b[i+len(s):], b[i+n:])
		b = b[:len(b)-(n-len(s))]
	} else {
		d := len(s) - n
		b = slices.Grow(b, d)[:len(b)+d]
		copy(b[i+len(s):], b[i+n:len(b)-d])
	}
	copy(b[i:], s)
	return b
}

// appendSpaces appends n spaces (none if n <= 0).
func appendSpaces(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, ' ')
	}
	return b
}

// loggerName is the record's LoggerKey attribute, else the handler's (found once, in
// WithAttrs), else "root".
func (p *pattern) loggerName(r *slog.Record) string {
	if len(p.attrs.s.groups) > 0 {
		return p.name
	}
	// A closure this small is inlined: the loop over the attributes makes no call.
	var v slog.Value
	found := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == LoggerKey {
			v, found = a.Value, true
			return false
		}
		return true
	})
	return p.recordName(v, found)
}

// recordName is the logger name of a record whose first LoggerKey attribute, if found, has
// value v. Inside groups (WithGroup) the record's attributes do not name the logger.
func (p *pattern) recordName(v slog.Value, found bool) string {
	if found && len(p.attrs.s.groups) == 0 {
		return anyfmt.ValueString(v.Resolve())
	}
	return p.name
}

func (p *pattern) appendAsctime(b []byte, t time.Time) []byte {
	if p.datefmt != nil {
		return p.datefmt.Append(b, t)
	}
	// Python's default: "%Y-%m-%d %H:%M:%S" then ",%03d" milliseconds. The date and clock
	// come from the per-second cache JSON and Text use (its RFC 3339 form with a space for
	// the T): formatting them cost over a thousand instructions per record.
	if e := p.times.entry(t); e != nil {
		at := len(b)
		b = slices.Grow(b, 23)[:at+23]
		d := (*[23]byte)(b[at:])
		*(*[19]byte)(d[:19]) = e.date
		ms := uint32(t.Nanosecond()) / 1e6
		d[10], d[19], d[20], d[21], d[22] = ' ', ',', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10)
		return b
	}
	b = t.AppendFormat(b, "2006-01-02 15:04:05")
	return appendMillis(b, ',', t)
}

// goroutineID parses the running goroutine's id from its stack header ("goroutine 42 [").
func goroutineID() int64 {
	var buf [32]byte
	n := runtime.Stack(buf[:], false)
	s := buf[:n]
	const prefix = "goroutine "
	if len(s) < len(prefix) {
		return 0
	}
	var id int64
	for _, c := range s[len(prefix):] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + int64(c-'0')
	}
	return id
}
