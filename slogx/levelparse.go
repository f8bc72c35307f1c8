package slogx

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// parseLevel reads a level by the rule LevelHandler documents: a name in any case (DEBUG,
// INFO, WARN, ERROR, and Python's WARNING, CRITICAL, FATAL), optionally with an offset as
// slog.Level.String prints it ("INFO+2"); a bare integer on slog's scale ("4" is WARN); or
// Python's numeric level after the prefix "python:" ("python:30" is WARNING). The error says
// which form was expected.
func parseLevel(s string) (slog.Level, error) {
	t := strings.TrimSpace(s)
	if rest, ok := cutPrefixFold(t, "python:"); ok {
		py, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 32)
		if err != nil {
			return 0, fmt.Errorf("level %q: python: must be followed by Python's numeric level, such as python:30", s)
		}
		return FromPythonLevel(int(py)), nil
	}
	if t != "" && (t[0] == '-' || t[0] == '+' || t[0] >= '0' && t[0] <= '9') {
		return parseLevelInt(t, s)
	}
	name, off := t, ""
	if i := strings.IndexAny(t, "+-"); i >= 0 {
		name, off = t[:i], t[i:]
	}
	var base slog.Level
	switch strings.ToUpper(name) {
	case "DEBUG":
		base = slog.LevelDebug
	case "INFO":
		base = slog.LevelInfo
	case "WARN", "WARNING":
		base = slog.LevelWarn
	case "ERROR":
		base = slog.LevelError
	case "CRITICAL", "FATAL":
		base = LevelCritical
	default:
		return 0, fmt.Errorf("level %q: want DEBUG, INFO, WARN, WARNING, ERROR or CRITICAL (optionally +N or -N), an integer on slog's scale, or python:N", s)
	}
	if off == "" {
		return base, nil
	}
	n, err := strconv.ParseInt(off, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("level %q: the offset after %s must be an integer, as in %s+2", s, name, strings.ToUpper(name))
	}
	return base + slog.Level(n), nil
}

// parseLevelInt reads an integer on slog's scale; orig, when not empty, is the request's text
// for the error message.
func parseLevelInt(t, orig string) (slog.Level, error) {
	if orig == "" {
		orig = t
	}
	n, err := strconv.ParseInt(t, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("level %q: a number is a level on slog's scale and must be a 32-bit integer (python:N for Python's levels)", orig)
	}
	return slog.Level(n), nil
}

// cutPrefixFold is strings.CutPrefix ignoring ASCII case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// levelName names l as slog.Level.String does, except that LevelCritical (12) and above are
// named from CRITICAL ("CRITICAL", "CRITICAL+1"), the level slogx adds for Python's
// CRITICAL. parseLevel reads every name it returns.
func levelName(l slog.Level) string {
	if l >= LevelCritical {
		if l == LevelCritical {
			return "CRITICAL"
		}
		return "CRITICAL+" + strconv.Itoa(int(l-LevelCritical))
	}
	return l.String()
}

// ParseLevel reads a level by the rule LevelHandler documents (a name in any case with an
// optional offset, a bare integer on slog's scale, or "python:N"), for handlers of its kind
// elsewhere in the module (config's LevelHandler). The error says which form was expected.
func ParseLevel(s string) (slog.Level, error) { return parseLevel(s) }
