package config

import (
	"log/slog"
	"math"

	"github.com/slogx/handlers/slogx"
)

// notset is the slog level of Python's NOTSET on a handler: everything passes.
const notset = slog.Level(math.MinInt32)

// pyLevelNames are the names logging._checkLevel accepts in CPython 3.11 (case-sensitive).
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
		a.Errorf(key, "want a level name (DEBUG, INFO, WARNING, ERROR, CRITICAL, NOTSET) or number, got %s", describe(v))
		return 0, false, true
	}
	if py == 0 {
		return notset, false, true
	}
	return slogx.FromPythonLevel(py), true, true
}

func pyLevel(v any) (int, bool) {
	switch v := v.(type) {
	case int64:
		if v < 0 || v > math.MaxInt32 {
			return 0, false
		}
		return int(v), true
	case string:
		n, ok := pyLevelNames[v]
		return n, ok
	}
	return 0, false
}

// handlerLevel reads a handler's level: NOTSET (the default) lets every record through.
func (a *Args) handlerLevel(key string) slog.Level {
	return a.Level(key, notset)
}

// Level reads a Python level at key (a name such as "ERROR" or a number) as a slog level,
// or def when absent. NOTSET is math.MinInt32: below every level.
func (a *Args) Level(key string, def slog.Level) slog.Level {
	l, _, present := a.level(key)
	if !present {
		return def
	}
	return l
}
