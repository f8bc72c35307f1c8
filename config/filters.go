package config

import (
	"context"
	"log/slog"
	"strings"

	"github.com/slogx/handlers/slogx"
)

// buildFilter reads one filters entry: logging.Filter(name), which passes the records of
// the logger name and of its descendants ("" passes everything).
func buildFilter(a *Args) (string, error) {
	if a.Has("()") {
		if f := a.String("()", ""); f != "logging.Filter" {
			a.Errorf("()", "unknown filter class %q (only logging.Filter, by name, is supported)", f)
		}
	}
	name := a.String("name", "")
	return name, a.finish("logging.Filter")
}

// passes is logging.Filter(prefix).filter for a record of logger name.
func passes(prefix, name string) bool {
	return prefix == "" || name == prefix ||
		strings.HasPrefix(name, prefix) && name[len(prefix)] == '.'
}

// passesAll reports whether every filter passes name, as Filterer.filter does.
func passesAll(prefixes []string, name string) bool {
	for _, p := range prefixes {
		if !passes(p, name) {
			return false
		}
	}
	return true
}

// nameFilter applies a handler's filters. A record's logger name is the top-level
// slogx.LoggerKey attribute (as for Pattern's %(name)s): a logger adds it with WithAttrs,
// so the decision is taken once there and costs nothing per record; a record carrying its
// own LoggerKey attribute is decided again. Without one the name is "root".
type nameFilter struct {
	h        slog.Handler
	prefixes []string
	pass     bool
	grouped  bool
}

func newNameFilter(h slog.Handler, prefixes []string) *nameFilter {
	return &nameFilter{h: h, prefixes: prefixes, pass: passesAll(prefixes, "root")}
}

func (f *nameFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return (f.pass || !f.grouped) && f.h.Enabled(ctx, l)
}

func (f *nameFilter) Handle(ctx context.Context, r slog.Record) error {
	pass := f.pass
	if !f.grouped {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == slogx.LoggerKey {
				pass = passesAll(f.prefixes, a.Value.Resolve().String())
				return false
			}
			return true
		})
	}
	if !pass {
		return nil
	}
	return f.h.Handle(ctx, r)
}

func (f *nameFilter) WithAttrs(as []slog.Attr) slog.Handler {
	c := *f
	c.h = f.h.WithAttrs(as)
	if !f.grouped {
		for _, a := range as {
			if a.Key == slogx.LoggerKey {
				c.pass = passesAll(f.prefixes, a.Value.Resolve().String())
			}
		}
	}
	return &c
}

func (f *nameFilter) WithGroup(name string) slog.Handler {
	if name == "" {
		return f
	}
	c := *f
	c.h = f.h.WithGroup(name)
	c.grouped = true
	return &c
}

// Flush flushes the filtered handler.
func (f *nameFilter) Flush(ctx context.Context) error { return slogx.Flush(ctx, f.h) }

// Close closes the filtered handler, which the filter owns.
func (f *nameFilter) Close() error { return slogx.Close(f.h) }
