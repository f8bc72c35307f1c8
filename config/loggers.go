package config

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	"github.com/slogx/handlers/slogx"
)

// loggerConf is one entry of loggers (or root): what dictConfig sets on a logger.
type loggerConf struct {
	level     slog.Level
	levelSet  bool     // false: NOTSET, the level comes from an ancestor
	handlers  []string // handler names, in order
	propagate bool
	filters   []string // logger-name prefixes (logging.Filter names)
	fns       []Filter // registered filters
	contexts  []func(context.Context) []slog.Attr
}

// readLogger reads a loggers entry (or root) as configure_logger does: level, handlers,
// propagate (default true; ignored on root, as in Python) and filters, plus slogx's
// context (a registered context function's name, or a list of them). CPython ignores
// every other key (gunicorn's qualname): so does readLogger, with a warning.
func (b *builder) readLogger(a *Args, handlers map[string]any, filters map[string]filterSpec) (*loggerConf, error) {
	l := &loggerConf{propagate: a.Bool("propagate", true)}
	l.level, l.levelSet, _ = a.level("level")
	l.handlers = a.Strings("handlers")
	for i, h := range l.handlers {
		if _, ok := handlers[h]; !ok {
			a.Errorf("handlers["+itoa(i)+"]", "unknown handler %q", h)
		}
	}
	l.filters, l.fns = resolveFilters(a, "filters", filters)
	names := a.Strings("context")
	for i, n := range names {
		if n == ContextWith {
			l.contexts = append(l.contexts, nil) // slogx.ContextAttrs(h, nil) reads them
			continue
		}
		f, ok := lookup(b.reg, &b.reg.contexts, n)
		if !ok {
			a.Errorf(join("context", itoa(i)), "unregistered context function %q: register it with config.RegisterContext(%q, f) (or Registry.RegisterContext) before loading", n, n)
			break
		}
		l.contexts = append(l.contexts, f)
	}
	return l, b.ignore(a, "a logger")
}

// canonical maps the names of the root logger ("" and "root", as logging.getLogger does)
// to "".
func canonical(name string) string {
	if name == "root" {
		return ""
	}
	return name
}

// recordName is the %(name)s of a logger's records: "root" for the root logger.
func recordName(name string) string {
	if name == "" {
		return "root"
	}
	return name
}

// ancestors returns name's chain: name, its dotted parents, then "" (root).
func ancestors(name string) []string {
	chain := []string{}
	for n := name; n != ""; {
		chain = append(chain, n)
		i := strings.LastIndexByte(n, '.')
		if i < 0 {
			break
		}
		n = n[:i]
	}
	return append(chain, "")
}

// effective returns name's effective level: the nearest configured ancestor's (root always
// has one). l.mu is held.
func (l *Logging) effective(name string) slog.Level {
	for _, n := range ancestors(name) {
		if c, ok := l.loggers[n]; ok && c.levelSet {
			return c.level
		}
	}
	return notset
}

// resolve computes, once per logger name, what Python computes per record: the logger's
// own filters, its context functions and those of its ancestors, and the handlers of the
// logger and of its ancestors up to the first one that does not propagate — each handler
// told the logger name (slogx.LoggerKey) and skipped if its name filters reject that name.
// A chain with no handler at all gets Python's lastResort. The effective level is level,
// which SetLevel and Apply update. l.mu is held.
func (l *Logging) resolve(name string, level *slog.LevelVar) slog.Handler {
	rec := recordName(name)
	chain := ancestors(name)
	lh := &loggerHandler{min: level, name: rec}
	if c, ok := l.loggers[name]; ok {
		if !passesAll(c.filters, rec) {
			return lh // the logger's own filters reject every record it makes
		}
		lh.fns = c.fns
	}
	var targets []slog.Handler
	var contexts []func(context.Context) []slog.Attr
	found := 0
	for _, n := range chain {
		c, ok := l.loggers[n]
		if !ok {
			continue
		}
		for _, hn := range c.handlers {
			found++
			e := l.handlers[hn]
			switch {
			case e.perRecord:
				targets = append(targets, e.h) // decides its name filters and calls the others
			case passesAll(e.filters, rec):
				targets = append(targets, e.inner)
			}
		}
		if !c.propagate && n != "" {
			break
		}
	}
	if found == 0 {
		targets = append(targets, l.lastResort)
	}
	withCtx := false
	for _, n := range chain { // a logger tree's context, whatever propagate cuts
		if c, ok := l.loggers[n]; ok {
			for _, f := range c.contexts {
				if f == nil {
					withCtx = true
				} else {
					contexts = append(contexts, f)
				}
			}
		}
	}
	attrs := []slog.Attr{slog.String(slogx.LoggerKey, rec)}
	for i, t := range targets {
		targets[i] = borrowed{t.WithAttrs(attrs)}
	}
	lh.out = slogx.Fanout(targets...)
	if len(contexts) > 0 {
		slices.Reverse(contexts) // root's first
		lh.out = slogx.ContextAttrs(lh.out, joinContexts(contexts))
	}
	if withCtx {
		lh.out = slogx.ContextAttrs(lh.out, nil)
	}
	return lh
}

// joinContexts returns one context function adding the attributes of every f in order.
func joinContexts(fs []func(context.Context) []slog.Attr) func(context.Context) []slog.Attr {
	if len(fs) == 1 {
		return fs[0]
	}
	return func(ctx context.Context) []slog.Attr {
		var all []slog.Attr
		for _, f := range fs {
			all = append(all, f(ctx)...)
		}
		return all
	}
}

// loggerHandler is what a Logger writes to: the logger's effective level and own filters
// in front of the handlers resolved for it. It does not close them (the Logging does);
// Flush reaches them. min is shared with the Logging, which changes it at run time.
type loggerHandler struct {
	min  *slog.LevelVar
	name string
	fns  []Filter
	out  slog.Handler // nil: the logger's filters reject everything
}

func (h *loggerHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min.Level() && h.out != nil && h.out.Enabled(ctx, l)
}

func (h *loggerHandler) Handle(ctx context.Context, r slog.Record) error {
	if h.out == nil || r.Level < h.min.Level() || !callAll(h.fns, ctx, h.name, r) {
		return nil
	}
	return h.out.Handle(ctx, r)
}

func (h *loggerHandler) WithAttrs(as []slog.Attr) slog.Handler {
	if h.out == nil {
		return h
	}
	c := *h
	c.out = h.out.WithAttrs(as)
	return &c
}

func (h *loggerHandler) WithGroup(name string) slog.Handler {
	if h.out == nil {
		return h
	}
	c := *h
	c.out = h.out.WithGroup(name)
	return &c
}

// Flush flushes the logger's handlers.
func (h *loggerHandler) Flush(ctx context.Context) error {
	if h.out == nil {
		return nil
	}
	return slogx.Flush(ctx, h.out)
}
