package config

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// The patterns of CPython's BaseConfigurator (logging/config.py, 3.11), with \w widened
// to Unicode letters and digits as Python's re reads it.
var (
	cfgConvert = regexp.MustCompile(`^([a-z]+)://(.*)$`)
	cfgWord    = regexp.MustCompile(`^\s*([\p{L}\p{N}_]+)\s*`)
	cfgDot     = regexp.MustCompile(`^\.\s*([\p{L}\p{N}_]+)\s*`)
	cfgIndex   = regexp.MustCompile(`^\[\s*([\p{L}\p{N}_]+)\s*\]\s*`)
	cfgDigit   = regexp.MustCompile(`^\d+$`)
)

// extValues are the ext:// names that resolve to a plain value wherever they appear, as
// CPython imports them: the level constants and os.devnull. The other ext:// names slogx
// maps (ext://sys.stdout, ext://queue.Queue, ext://socket.SOCK_STREAM,
// ext://logging.handlers.SysLogHandler.LOG_LOCAL0, ...) are read by the keys that take them.
var extValues = map[string]any{
	"logging.CRITICAL": int64(50), "logging.FATAL": int64(50), "logging.ERROR": int64(40),
	"logging.WARNING": int64(30), "logging.WARN": int64(30), "logging.INFO": int64(20),
	"logging.DEBUG": int64(10), "logging.NOTSET": int64(0), "os.devnull": os.DevNull,
}

// refs resolves cfg:// references and the ext:// names of extValues in the sections of a
// document, as CPython's ConvertingDict does when dictConfig reads a value: a string
// "cfg://a.b[c][0]" is replaced by the value it names (itself resolved), anything else is
// kept. Only the sections dictConfig reads are resolved, so a bad reference in a section
// nobody reads is not an error, as in CPython.
type refs struct {
	doc    map[string]any
	used   map[string]bool // top-level keys a reference read
	active []string        // references being resolved, for cycles
}

func (r *refs) resolve(path string, v any) (any, error) {
	return transform(path, v, func(path string, v any) (any, error) {
		s, ok := v.(string)
		if !ok {
			return v, nil
		}
		m := cfgConvert.FindStringSubmatch(s)
		if m == nil {
			return s, nil
		}
		switch m[1] {
		case "cfg":
			return r.cfg(path, s, m[2])
		case "ext":
			if e, ok := extValues[m[2]]; ok {
				return e, nil
			}
		}
		return s, nil
	})
}

// cfg is BaseConfigurator.cfg_convert, with its errors: ValueError for a malformed
// reference, KeyError, IndexError and TypeError from the lookups.
func (r *refs) cfg(path, value, rest string) (any, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("config: %s: %s: %s", path, value, fmt.Sprintf(format, args...))
	}
	for _, a := range r.active {
		if a == value {
			return nil, fail("refers to itself (%s)", strings.Join(append(r.active, value), " -> "))
		}
	}
	suffix := rest
	m := cfgWord.FindStringSubmatch(rest)
	if m == nil {
		return nil, fail("ValueError: Unable to convert %s", pyRepr(suffix))
	}
	rest = rest[len(m[0]):]
	d, ok := r.doc[m[1]]
	if !ok {
		return nil, fail("KeyError: %s", pyRepr(m[1]))
	}
	r.used[m[1]] = true
	r.active = append(r.active, value)
	defer func() { r.active = r.active[:len(r.active)-1] }()
	for {
		// ConvertingDict converts every value it hands out: a step may land on a reference.
		if s, isStr := d.(string); isStr && strings.HasPrefix(s, "cfg://") {
			var err error
			if d, err = r.resolve(path, s); err != nil {
				return nil, err
			}
		}
		if rest == "" {
			break
		}
		var err error
		if m = cfgDot.FindStringSubmatch(rest); m != nil {
			d, err = pyIndex(d, m[1], false)
		} else if m = cfgIndex.FindStringSubmatch(rest); m != nil {
			d, err = pyIndex(d, m[1], cfgDigit.MatchString(m[1]))
		} else {
			return nil, fail("ValueError: Unable to convert %s at %s", pyRepr(suffix), pyRepr(rest))
		}
		if err != nil {
			return nil, fail("%v", err)
		}
		rest = rest[len(m[0]):]
	}
	return r.resolve(path, d)
}

// pyIndex is Python's d[key], with key an int first when digits is set (falling back to
// the string on a TypeError, as cfg_convert does).
func pyIndex(d any, key string, digits bool) (any, error) {
	if digits {
		n, _ := strconv.Atoi(key)
		switch d := d.(type) {
		case []any:
			if n >= len(d) {
				return nil, fmt.Errorf("IndexError: list index out of range")
			}
			return d[n], nil
		case string:
			rs := []rune(d)
			if n >= len(rs) {
				return nil, fmt.Errorf("IndexError: string index out of range")
			}
			return string(rs[n]), nil
		case map[string]any:
			// A dict looks the int up, and str keys never equal it: KeyError.
			return nil, fmt.Errorf("KeyError: %d", n)
		}
	}
	switch d := d.(type) {
	case map[string]any:
		v, ok := d[key]
		if !ok {
			return nil, fmt.Errorf("KeyError: %s", pyRepr(key))
		}
		return v, nil
	case []any:
		return nil, fmt.Errorf("TypeError: list indices must be integers or slices, not str")
	case string:
		return nil, fmt.Errorf("TypeError: string indices must be integers, not 'str'")
	}
	return nil, fmt.Errorf("TypeError: %s object is not subscriptable", pyTypeName(d))
}

func pyRepr(s string) string {
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	return strconv.Quote(s)
}

func pyTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "'NoneType'"
	case bool:
		return "'bool'"
	case int64:
		return "'int'"
	case float64:
		return "'float'"
	}
	return fmt.Sprintf("'%T'", v)
}
