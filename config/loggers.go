package config

import (
	"context"
	"log/slog"
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
}

// readLogger reads a loggers entry (or root) as configure_logger does: level, handlers,
// propagate (default true; ignored on root, as in Python) and filters.
func readLogger(a *Args, handlers map[string]any, filters map[string]string) (*loggerConf, error) {
	l := &loggerConf{propagate: a.Bool("propagate", true)}
	l.level, l.levelSet, _ = a.level("level")
	l.handlers = a.Strings("handlers")
	for i, h := range l.handlers {
		if _, ok := handlers[h]; !ok {
			a.Errorf("handlers["+itoa(i)+"]", "unknown handler %q", h)
		}
	}
	l.filters = resolveFilters(a, "filters", filters)
	return l, a.finish("a logger")
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

// resolve computes, once per logger name, what Python computes per record: the effective
// level (the nearest ancestor with a level set; root's default WARNING), the logger's own
// filters, and the handlers of the logger and of its ancestors up to the first one that
// does not propagate — each handler told the logger name (slogx.LoggerKey) and skipped if
// its filters reject that name. A chain with no handler at all gets Python's lastResort.
func (l *Logging) resolve(name string) slog.Handler {
	name = canonical(name)
	rec := recordName(name)
	chain := ancestors(name)
	lh := &loggerHandler{min: notset}
	for _, n := range chain {
		if c, ok := l.loggers[n]; ok && c.levelSet {
			lh.min = c.level
			break
		}
	}
	if c, ok := l.loggers[name]; ok && !passesAll(c.filters, rec) {
		return lh // the logger's own filters reject every record it makes
	}
	var targets []slog.Handler
	found := 0
	for _, n := range chain {
		c, ok := l.loggers[n]
		if !ok {
			continue
		}
		for _, hn := range c.handlers {
			found++
			e := l.handlers[hn]
			if passesAll(e.filters, rec) {
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
	attrs := []slog.Attr{slog.String(slogx.LoggerKey, rec)}
	for i, t := range targets {
		targets[i] = borrowed{t.WithAttrs(attrs)}
	}
	lh.out = slogx.Fanout(targets...)
	return lh
}

// loggerHandler is what a Logger writes to: the logger's effective level in front of the
// handlers resolved for it. It does not close them (the Logging does); Flush reaches them.
type loggerHandler struct {
	min slog.Level
	out slog.Handler // nil: the logger's filters reject everything
}

func (h *loggerHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.out != nil && h.out.Enabled(ctx, l)
}

func (h *loggerHandler) Handle(ctx context.Context, r slog.Record) error {
	if h.out == nil || r.Level < h.min {
		return nil
	}
	return h.out.Handle(ctx, r)
}

func (h *loggerHandler) WithAttrs(as []slog.Attr) slog.Handler {
	if h.out == nil {
		return h
	}
	return &loggerHandler{min: h.min, out: h.out.WithAttrs(as)}
}

func (h *loggerHandler) WithGroup(name string) slog.Handler {
	if h.out == nil {
		return h
	}
	return &loggerHandler{min: h.min, out: h.out.WithGroup(name)}
}

// Flush flushes the logger's handlers.
func (h *loggerHandler) Flush(ctx context.Context) error {
	if h.out == nil {
		return nil
	}
	return slogx.Flush(ctx, h.out)
}
