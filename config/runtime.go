package config

import (
	"fmt"
	"log/slog"
)

// LoggerLevel is a logger's level as Levels reports it.
type LoggerLevel struct {
	// Logger is the logger's name; "root" for the root logger.
	Logger string
	// Level is the logger's own level, NotSet when it has none and inherits its parent's.
	Level slog.Level
	// Effective is the level its records must reach: its own, or the nearest ancestor's.
	Effective slog.Level
}

// SetLevel sets the level of the logger called name ("" or "root" for root), as Python's
// Logger.setLevel: the logger and every descendant without a level of its own take it as
// their effective level from their next log call on. NotSet removes the logger's own level
// (root's NotSet lets every record through, as in Python). A name the document does not
// configure is added, with no handler of its own. SetLevel is safe to call while other
// goroutines log; logging stays one atomic load of the level, allocation free.
func (l *Logging) SetLevel(name string, level slog.Level) {
	name = canonical(name)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.setLevel(name, level)
	l.refresh()
}

// setLevel records name's level; l.mu is held.
func (l *Logging) setLevel(name string, level slog.Level) {
	c, ok := l.loggers[name]
	if !ok {
		c = &loggerConf{propagate: true}
		l.loggers[name] = c
	}
	c.level, c.levelSet = level, level != notset || name == ""
}

// refresh recomputes the effective level of every logger handed out; l.mu is held.
func (l *Logging) refresh() {
	for name, c := range l.cache {
		c.level.Set(l.effective(name))
	}
}

// Levels lists every logger the document configures or SetLevel named, root first, then
// by name, with its own and its effective level.
func (l *Logging) Levels() []LoggerLevel {
	l.mu.Lock()
	defer l.mu.Unlock()
	names := sortedKeys(l.loggers)
	out := make([]LoggerLevel, 0, len(names))
	for _, n := range names {
		c := l.loggers[n]
		own := NotSet
		if c.levelSet {
			own = c.level
		}
		out = append(out, LoggerLevel{Logger: recordName(n), Level: own, Effective: l.effective(n)})
	}
	return out
}

// Apply applies an incremental document (incremental: true) to the running configuration,
// as dictConfig does in incremental mode: the levels of the handlers it names (which must
// exist), and of the loggers and root. CPython ignores everything else in such a document
// (formatters, filters, a logger's handlers and filters): so does Apply, with a warning (an
// error with Options.Strict), except propagate, which cannot change at run time and is an
// error when it differs. The whole document is checked before any level changes: an
// error changes nothing. Apply reads the document as Parse does, with the Options the
// configuration was loaded with.
func (l *Logging) Apply(data []byte) error {
	doc, err := decodeLimited(data, l.opts.maxSize())
	if err != nil {
		return err
	}
	b := newBuilder(l.opts)
	if err := b.prepare(doc, true); err != nil {
		return err
	}
	for _, s := range []string{"formatters", "filters"} {
		if m, err := section(doc, s); err != nil {
			return err
		} else if len(m) > 0 {
			if b.o.Strict {
				return errorf(s, "an incremental document has no %s (CPython ignores them; Options.Strict refuses them)", s)
			}
			b.warn(errorf(s, "ignored in an incremental document, as CPython ignores it"))
		}
	}
	type change struct {
		lv    *slog.LevelVar
		level slog.Level
	}
	var handlerChanges []change
	handlers, err := section(doc, "handlers")
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(handlers) {
		path := "handlers." + name
		e, ok := l.handlers[name]
		if !ok {
			return errorf(path, "no handler found with name %q", name)
		}
		m, ok := handlers[name].(map[string]any)
		if !ok {
			return errorf(path, "want a mapping, got %s", describe(handlers[name]))
		}
		a := newArgs(path, m)
		if lv, _, present := a.level("level"); present {
			handlerChanges = append(handlerChanges, change{e.level, lv})
		}
		if err := b.ignore(a, "a handler in an incremental document"); err != nil {
			return err
		}
	}
	type loggerChange struct {
		name  string
		level slog.Level
	}
	var loggerChanges []loggerChange
	read := func(path, name string, m map[string]any) error {
		a := newArgs(path, m)
		if lv, set, present := a.level("level"); present {
			if !set {
				lv = NotSet
			}
			loggerChanges = append(loggerChanges, loggerChange{name, lv})
		}
		if p := a.Bool("propagate", true); a.Has("propagate") && name != "" {
			l.mu.Lock()
			c, ok := l.loggers[name]
			l.mu.Unlock()
			if cur := !ok || c.propagate; cur != p {
				a.Errorf("propagate", "cannot change at run time (it is %v)", cur)
			}
		}
		return b.ignore(a, "a logger in an incremental document")
	}
	loggers, err := section(doc, "loggers")
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(loggers) {
		m, ok := loggers[name].(map[string]any)
		if !ok {
			return errorf("loggers."+name, "want a mapping, got %s", describe(loggers[name]))
		}
		if err := read("loggers."+name, canonical(name), m); err != nil {
			return err
		}
	}
	if _, ok := doc["root"]; ok {
		root, err := section(doc, "root")
		if err != nil {
			return err
		}
		if err := read("root", "", root); err != nil {
			return err
		}
	}
	for _, c := range handlerChanges {
		c.lv.Set(c.level)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range loggerChanges {
		l.setLevel(c.name, c.level)
	}
	l.refresh()
	return nil
}

// levelText names levels in Levels' and LevelHandler's answers: Python's names for
// Python's levels, slog's for the others ("INFO+2"), NOTSET for NotSet.
func levelText(l slog.Level) string {
	switch l {
	case NotSet:
		return "NOTSET"
	case slog.LevelWarn:
		return "WARNING"
	}
	if l >= 12 {
		if l == 12 {
			return "CRITICAL"
		}
		return fmt.Sprintf("CRITICAL+%d", l-12)
	}
	return l.String()
}
