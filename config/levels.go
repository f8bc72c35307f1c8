package config

import (
	"log/slog"
	"math"
	"strconv"
	"strings"

	"github.com/slogx/handlers/slogx"
)

// NotSet is Python's NOTSET as a slog level: below every level. A handler at NotSet handles
// every record; a logger at NotSet (see SetLevel) takes its parent's level.
const NotSet = slog.Level(math.MinInt32)

// notset is NotSet, for the package's own use.
const notset = NotSet

// pyLevelNames are the names logging._checkLevel accepts in CPython 3.11.
var pyLevelNames = map[string]int{
	"CRITICAL": 50, "FATAL": 50, "ERROR": 40, "WARN": 30, "WARNING": 30,
	"INFO": 20, "DEBUG": 10, "NOTSET": 0,
}

// level reads a Python level (a registered name or a number) at key. set is false for
// NOTSET, whose meaning depends on where it is (a logger inherits, a handler passes all).
func (a *Args) level(key string) (l slog.Level, set, present bool) {
	v, ok := a.Value(key)
	if !ok {
		return 0, false, false
	}
	py, ok := pyLevel(v)
	if !ok {
		a.Errorf(key, "want a level name (DEBUG, INFO, WARNING, ERROR, CRITICAL, NOTSET, in any case) or Python's number, got %s", describe(v))
		return 0, false, true
	}
	if py == 0 {
		return notset, false, true
	}
	return slogx.FromPythonLevel(py), true, true
}

// pyLevel reads a Python level: a name in any case (CPython 3.11 wants upper case; a
// document whose ${LOG_LEVEL} is "debug" means DEBUG), or Python's number, as a number or
// as a string of digits (from an environment variable).
func pyLevel(v any) (int, bool) {
	switch v := v.(type) {
	case int64:
		if v < 0 || v > math.MaxInt32 {
			return 0, false
		}
		return int(v), true
	case string:
		s := strings.TrimSpace(v)
		if n, ok := pyLevelNames[strings.ToUpper(s)]; ok {
			return n, true
		}
		if n, err := strconv.ParseInt(s, 10, 32); err == nil && n >= 0 {
			return int(n), true
		}
	}
	return 0, false
}

// handlerLevel reads a handler's level: NOTSET (the default) lets every record through.
func (a *Args) handlerLevel(key string) slog.Level {
	return a.Level(key, notset)
}

// Level reads a Python level at key (a name such as "ERROR" in any case, or Python's
// number) as a slog level, or def when absent. NOTSET is NotSet: below every level.
func (a *Args) Level(key string, def slog.Level) slog.Level {
	l, _, present := a.level(key)
	if !present {
		return def
	}
	return l
}
