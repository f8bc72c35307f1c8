package config

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/slogx/handlers/slogx"
)

// formatter is a built formatters entry. A Console whose color depends on its writer
// (color: auto) is built again for each stream handler with the handler's stream.
type formatter struct {
	enc     slogx.Encoder
	console *slogx.ConsoleOptions
}

// forWriter returns the encoder for a handler writing to w.
func (f *formatter) forWriter(w io.Writer) slogx.Encoder {
	if f.console == nil || f.console.Color != slogx.ColorAuto {
		return f.enc
	}
	o := *f.console
	o.Writer = w
	return slogx.Console(o)
}

// formatterClasses are the formatter classes a formatters entry may name with "class" or
// "()": Python's logging.Formatter (a slogx.Pattern) and slogx's own encoders. Each reads
// the keyword arguments of its constructor; logging.Formatter's format is "fmt" here.
var formatterClasses = map[string]func(a *Args) *formatter{
	"logging.Formatter": pyFormatter,
	"slogx.JSON":        func(*Args) *formatter { return &formatter{enc: slogx.JSON()} },
	"slogx.Text":        func(*Args) *formatter { return &formatter{enc: slogx.Text()} },
	"slogx.Console":     consoleFormatter,
}

// defaultEncoder is what a handler without a formatter writes: Python's default Formatter,
// "%(message)s".
func defaultEncoder() slogx.Encoder { return slogx.MustPattern("%(message)s", "") }

// formatter reads one formatters entry as configure_formatter does. Without "()", the
// class (logging.Formatter by default) gets format (as fmt), datefmt, style and validate,
// and CPython ignores the other keys; with "()", every key but "()" and "." is a keyword
// argument of the factory, format given as fmt (CPython retries a factory that refuses
// format with fmt), and an unknown one is an error.
func (b *builder) formatter(a *Args) (*formatter, error) {
	if a.Has("()") {
		name := a.String("()", "")
		if a.Has("format") && !a.Has("fmt") {
			a.m["fmt"] = a.m["format"]
			delete(a.m, "format")
		}
		return b.callFormatter(a, name, "()")
	}
	name := a.String("class", "logging.Formatter")
	if isSlogxFormatter(name) {
		return b.callFormatter(a, name, "class") // slogx's classes take their own keys
	}
	kw := map[string]any{}
	for from, to := range map[string]string{"format": "fmt", "datefmt": "datefmt", "style": "style", "validate": "validate"} {
		if v, ok := a.Value(from); ok {
			kw[to] = v
		}
	}
	if err := b.ignore(a, "a formatter without \"()\""); err != nil {
		return nil, err
	}
	args := newArgs(a.path, kw)
	args.rename = map[string]string{"fmt": "format"}
	return b.callFormatter(args, name, "class")
}

func isSlogxFormatter(name string) bool {
	_, ok := formatterClasses[name]
	return ok && name != "logging.Formatter"
}

// callFormatter builds the formatter class or factory name with the keyword arguments a.
func (b *builder) callFormatter(a *Args, name, key string) (*formatter, error) {
	if build, ok := formatterClasses[name]; ok {
		f := build(a)
		if err := a.finish(name); err != nil {
			return nil, err
		}
		return f, nil
	}
	factory, ok := lookup(b.reg, &b.reg.formatters, name)
	if !ok {
		return nil, a.Errorf(key, "unregistered formatter class %q (built in: %s): register a config.FormatterFactory with config.RegisterFormatter(%q, f) (or Registry.RegisterFormatter) before loading", name, knownNames(formatterClasses), name)
	}
	enc, err := factory(a)
	if ferr := a.finish(name); ferr != nil {
		return nil, ferr
	}
	if err != nil {
		return nil, fmt.Errorf("config: %s: %s: %w", a.path, name, err)
	}
	if enc == nil {
		return nil, errorf(a.path, "%s: the factory returned no encoder", name)
	}
	return &formatter{enc: enc}, nil
}

// pyFormatter is logging.Formatter(fmt=None, datefmt=None, style='%', validate=True,
// defaults=None); defaults, which names fields beyond LogRecord's, must be empty.
func pyFormatter(a *Args) *formatter {
	format := a.String("fmt", "")
	datefmt := a.String("datefmt", "")
	style := a.OneOf("style", "%", "%", "{", "$")
	validate := a.Bool("validate", true)
	if v, ok := a.Value("defaults"); ok {
		if m, isMap := v.(map[string]any); !isMap || len(m) > 0 {
			a.Errorf("defaults", "fields beyond the LogRecord's are not supported, got %s", describe(v))
		}
	}
	if a.Err() != nil {
		return nil
	}
	enc, err := newFormatter(format, datefmt, style, validate)
	if err != nil {
		a.Errorf("fmt", "%v", err)
		return nil
	}
	return &formatter{enc: enc}
}

// NewFormatter returns the encoder of Python's logging.Formatter(fmt, datefmt, style): a
// slogx.Pattern, with a '{' or '$' style format rewritten to '%' style ({name},
// {name:<N}, {name:>N}; ${name}, $name, $$). An empty format is style's "%(message)s". The
// format is validated as CPython validates it: it must name a field. Registered formatter
// factories for Formatter subclasses that only add a format build their encoder with it.
func NewFormatter(format, datefmt, style string) (slogx.Encoder, error) {
	if _, ok := styleField[style]; !ok {
		return nil, fmt.Errorf("config: NewFormatter: style must be %%, { or $, got %q", style)
	}
	enc, err := newFormatter(format, datefmt, style, true)
	if err != nil {
		return nil, fmt.Errorf("config: NewFormatter: %w", err)
	}
	return enc, nil
}

func newFormatter(format, datefmt, style string, validate bool) (slogx.Encoder, error) {
	if format == "" {
		format = map[string]string{"%": "%(message)s", "{": "{message}", "$": "${message}"}[style]
	}
	if validate && !styleField[style].MatchString(format) {
		return nil, fmt.Errorf("invalid format %q for %q style (it names no field)", format, style)
	}
	pct, err := PercentFormat(format, style)
	if err != nil {
		return nil, err
	}
	enc, err := slogx.Pattern(pct, datefmt)
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "slogx.Pattern: "))
	}
	return enc, nil
}

// consoleFormatter is slogx.Console: timeFormat (Go's time layout) and color (auto,
// always, never; auto colors a stream handler's terminal).
func consoleFormatter(a *Args) *formatter {
	o := slogx.ConsoleOptions{TimeFormat: a.String("timeFormat", "")}
	switch a.OneOf("color", "auto", "auto", "always", "never") {
	case "always":
		o.Color = slogx.ColorAlways
	case "never":
		o.Color = slogx.ColorNever
	}
	return &formatter{enc: slogx.Console(o), console: &o}
}

// styleField finds a field in a format of each style, as CPython's validation patterns do.
var styleField = map[string]*regexp.Regexp{
	"%": regexp.MustCompile(`%\(\w+\)[#0+ -]*(\*|\d+)?(\.(\*|\d+))?[diouxefgcrsa%]`),
	"{": regexp.MustCompile(`\{\w+[^}]*\}`),
	"$": regexp.MustCompile(`\$(\w+|\{\w+\})`),
}

// PercentFormat rewrites a format of Python's style ('%', '{' or '$') as the '%' style
// slogx.Pattern reads: {name}, {name:<N} and {name:>N} become %(name)s with the width, as
// str.format aligns them; ${name} and $name become %(name)s; a literal % is doubled. A
// FormatterFactory for a Formatter subclass that computes a field of its own (Django's
// {server_time}) rewrites the format with it, then replaces %(field)s with what slogx.Pattern
// can write.
func PercentFormat(format, style string) (string, error) {
	switch style {
	case "%":
		return format, nil
	case "$":
		return dollarToPercent(format), nil
	case "{":
		return braceToPercent(format)
	}
	return "", fmt.Errorf("config: PercentFormat: style must be %%, { or $, got %q", style)
}

var dollarField = regexp.MustCompile(`\$\$|\$\{(\w+)\}|\$(\w+)`)

func dollarToPercent(format string) string {
	var b strings.Builder
	last := 0
	for _, m := range dollarField.FindAllStringSubmatchIndex(format, -1) {
		b.WriteString(strings.ReplaceAll(format[last:m[0]], "%", "%%"))
		switch {
		case m[2] >= 0:
			b.WriteString("%(" + format[m[2]:m[3]] + ")s")
		case m[4] >= 0:
			b.WriteString("%(" + format[m[4]:m[5]] + ")s")
		default:
			b.WriteString("$")
		}
		last = m[1]
	}
	b.WriteString(strings.ReplaceAll(format[last:], "%", "%%"))
	return b.String()
}

// braceSpec is the part of str.format's mini-language slogx supports: an optional
// alignment and a width ({levelname:<8}, {lineno:>5}).
var braceSpec = regexp.MustCompile(`^([<>])?(\d+)?$`)

// numericFields are the LogRecord fields str.format aligns right by default.
var numericFields = map[string]bool{"levelno": true, "lineno": true, "process": true, "thread": true,
	"created": true, "msecs": true, "relativeCreated": true}

func braceToPercent(format string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		switch {
		case c == '{' && strings.HasPrefix(format[i:], "{{"):
			b.WriteByte('{')
			i++
		case c == '}' && strings.HasPrefix(format[i:], "}}"):
			b.WriteByte('}')
			i++
		case c == '%':
			b.WriteString("%%")
		case c == '{':
			end := strings.IndexByte(format[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("unterminated { in %q", format)
			}
			field, err := braceField(format[i+1 : i+end])
			if err != nil {
				return "", err
			}
			b.WriteString(field)
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func braceField(f string) (string, error) {
	name, spec, _ := strings.Cut(f, ":")
	m := braceSpec.FindStringSubmatch(spec)
	if m == nil || strings.ContainsAny(name, "!.[") {
		return "", fmt.Errorf("unsupported field {%s}: slogx reads {name} and {name:<width} or {name:>width}", f)
	}
	flag := ""
	if m[1] == "<" || m[1] == "" && !numericFields[name] {
		flag = "-"
	}
	if m[2] == "" {
		flag = ""
	}
	return "%(" + name + ")" + flag + m[2] + "s", nil
}

func knownNames[V any](m map[string]V) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sortStrings(names)
	return strings.Join(names, ", ")
}
