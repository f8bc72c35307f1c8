package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/slogx/handlers/slogx"
)

// formatterClasses are the formatter classes a formatters entry may name with "class" or
// "()": Python's logging.Formatter (a slogx.Pattern) and slogx's own encoders.
var formatterClasses = map[string]func(a *Args) slogx.Encoder{
	"logging.Formatter": patternFormatter,
	"slogx.JSON":        func(*Args) slogx.Encoder { return slogx.JSON() },
	"slogx.Text":        func(*Args) slogx.Encoder { return slogx.Text() },
}

// defaultEncoder is what a handler without a formatter writes: Python's default Formatter,
// "%(message)s".
func defaultEncoder() slogx.Encoder { return slogx.MustPattern("%(message)s", "") }

// buildFormatter turns one formatters entry into an encoder.
func buildFormatter(a *Args) (slogx.Encoder, error) {
	class := a.String("class", "logging.Formatter")
	if a.Has("()") {
		class = a.String("()", "")
	}
	build, ok := formatterClasses[class]
	if !ok {
		key := "class"
		if a.Has("()") {
			key = "()"
		}
		a.Errorf(key, "unknown formatter class %q (known: %s)", class, knownNames(formatterClasses))
		return nil, a.Err()
	}
	enc := build(a)
	if err := a.finish(class); err != nil {
		return nil, err
	}
	return enc, nil
}

// patternFormatter reads format, datefmt, style and validate as logging.Formatter does.
func patternFormatter(a *Args) slogx.Encoder {
	format := a.String("format", "")
	datefmt := a.String("datefmt", "")
	style := a.OneOf("style", "%", "%", "{", "$")
	validate := a.Bool("validate", true)
	if a.Err() != nil {
		return nil
	}
	if format == "" && !a.Has("format") {
		format = map[string]string{"%": "%(message)s", "{": "{message}", "$": "${message}"}[style]
	}
	if validate && !styleField[style].MatchString(format) {
		a.Errorf("format", "invalid format %q for %q style (it names no field)", format, style)
		return nil
	}
	pct, err := toPercent(format, style)
	if err != nil {
		a.Errorf("format", "%v", err)
		return nil
	}
	enc, err := slogx.Pattern(pct, datefmt)
	if err != nil {
		a.Errorf("format", "%v", strings.TrimPrefix(err.Error(), "slogx.Pattern: "))
		return nil
	}
	return enc
}

// styleField finds a field in a format of each style, as CPython's validation patterns do.
var styleField = map[string]*regexp.Regexp{
	"%": regexp.MustCompile(`%\(\w+\)[#0+ -]*(\*|\d+)?(\.(\*|\d+))?[diouxefgcrsa%]`),
	"{": regexp.MustCompile(`\{\w+[^}]*\}`),
	"$": regexp.MustCompile(`\$(\w+|\{\w+\})`),
}

// toPercent rewrites a '{' or '$' style format as the '%' style slogx.Pattern reads.
func toPercent(format, style string) (string, error) {
	switch style {
	case "$":
		return dollarToPercent(format), nil
	case "{":
		return braceToPercent(format)
	}
	return format, nil
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
