package config

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/slogx/handlers/slogx"
)

// filterSpec is a built filters entry: logging.Filter(name), decided once per logger name
// (prefix), or a registered factory's Filter, called per record (fn).
type filterSpec struct {
	prefix string
	fn     Filter
}

// filter reads one filters entry: logging.Filter(name), which passes the records of the
// logger name and of its descendants ("" passes everything), or "()" naming
// logging.Filter or a FilterFactory with its keyword arguments.
func (b *builder) filter(a *Args) (filterSpec, error) {
	if !a.Has("()") {
		name := a.String("name", "")
		return filterSpec{prefix: name}, b.ignore(a, "a filter without \"()\"")
	}
	factory := a.String("()", "")
	if factory == "logging.Filter" {
		name := a.String("name", "")
		return filterSpec{prefix: name}, a.finish("logging.Filter")
	}
	f, ok := lookup(b.reg, &b.reg.filters, factory)
	if !ok {
		return filterSpec{}, a.Errorf("()", "unregistered filter factory %q: register a config.FilterFactory with config.RegisterFilter(%q, f) (or Registry.RegisterFilter) before loading", factory, factory)
	}
	fn, err := f(a)
	if ferr := a.finish(factory); ferr != nil {
		return filterSpec{}, ferr
	}
	if err != nil {
		return filterSpec{}, fmt.Errorf("config: %s: %s: %w", a.path, factory, err)
	}
	if fn == nil {
		return filterSpec{}, errorf(a.path, "%s: the factory returned no filter", factory)
	}
	return filterSpec{fn: fn}, nil
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

// callAll reports whether every Filter passes the record.
func callAll(fns []Filter, ctx context.Context, name string, r slog.Record) bool {
	for _, f := range fns {
		if !f(ctx, name, r) {
			return false
		}
	}
	return true
}

// nameFilter applies a handler's filters. A record's logger name is the top-level
// slogx.LoggerKey attribute (as for Pattern's %(name)s): a logger adds it with WithAttrs,
// so the name filters decide once there and cost nothing per record; a record carrying its
// own LoggerKey attribute is decided again. Without one the name is "root". Registered
// filters (fns) are called per record with that name.
type nameFilter struct {
	h        slog.Handler
	prefixes []string
	fns      []Filter
	name     string
	pass     bool
	grouped  bool
}

func newNameFilter(h slog.Handler, prefixes []string, fns []Filter) *nameFilter {
	return &nameFilter{h: h, prefixes: prefixes, fns: fns, name: "root", pass: passesAll(prefixes, "root")}
}

func (f *nameFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return (f.pass || !f.grouped) && f.h.Enabled(ctx, l)
}

func (f *nameFilter) Handle(ctx context.Context, r slog.Record) error {
	pass, name := f.pass, f.name
	if !f.grouped {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == slogx.LoggerKey {
				name = a.Value.Resolve().String()
				pass = passesAll(f.prefixes, name)
				return false
			}
			return true
		})
	}
	if !pass || !callAll(f.fns, ctx, name, r) {
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
				c.name = a.Value.Resolve().String()
				c.pass = passesAll(f.prefixes, c.name)
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
