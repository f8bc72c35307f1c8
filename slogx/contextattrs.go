package slogx

import (
	"context"
	"log/slog"
	"slices"
)

// contextAttrs adds the attributes a function finds in the context to every record, at the
// top level of the record.
type contextAttrs struct {
	h slog.Handler // every WithAttrs and WithGroup applied: records without context attributes
	f func(context.Context) []slog.Attr
	// top is h as it was before the first WithGroup, and groups what came after: a record
	// with context attributes goes to top with its own attributes nested in groups, so that
	// the context's stay at the top level.
	top    slog.Handler
	groups []contextGroup
}

// contextGroup is a group opened with WithGroup and the attributes added inside it.
type contextGroup struct {
	name  string
	attrs []slog.Attr
}

// ContextAttrs returns a handler that adds f(ctx) to every record logged with a context
// (Logger.InfoContext, Logger.Log, ...) before passing it to h: request and tenant ids, trace
// and span ids, whatever the application keeps in its contexts. A nil f adds the attributes
// stored with ContextWith.
//
// The context's attributes go at the top level of the record, after the call's own, even
// under WithGroup: with slog.New(ContextAttrs(h, nil)).WithGroup("db"), a request id is
// request_id, not db.request_id, since it describes the request, not the database call. A
// record without context attributes goes to h as is; one with them under WithGroup is given
// to h as derived before the first group, its own attributes and those added after the group
// nested in the groups, which allocates one slice per group. f is called once per record, in
// the logging goroutine, possibly concurrently, and must not retain or modify the slice it
// returns afterwards (it may return the same slice every time, stored in the context). A nil
// context and an empty result leave the record untouched and cost nothing more than the call
// to f. Outside any group, adding attributes allocates only when the record's attributes and
// f's together exceed the five a slog.Record holds inline (what f itself allocates aside).
// The record the caller passed is never modified: ContextAttrs adds to its own clone.
//
// Enabled is h's. ContextAttrs owns h: Flush and Close are forwarded to it.
func ContextAttrs(h slog.Handler, f func(context.Context) []slog.Attr) slog.Handler {
	if f == nil {
		f = contextWithAttrs
	}
	return &contextAttrs{h: h, f: f, top: h}
}

// Enabled reports whether h is enabled for level.
func (c *contextAttrs) Enabled(ctx context.Context, level slog.Level) bool {
	return c.h.Enabled(ctx, level)
}

// Handle adds f(ctx) to r and passes it to h.
func (c *contextAttrs) Handle(ctx context.Context, r slog.Record) error {
	if ctx == nil {
		return c.h.Handle(ctx, r)
	}
	as := c.f(ctx)
	if len(as) == 0 {
		return c.h.Handle(ctx, r)
	}
	if len(c.groups) > 0 {
		return c.top.Handle(ctx, c.regroup(r, as))
	}
	// Clone clips the record's overflow slice, so that AddAttrs cannot write into an array
	// the caller's record (handed to several handlers by a fan-out) still uses.
	r = r.Clone()
	r.AddAttrs(as...)
	return c.h.Handle(ctx, r)
}

// regroup returns a record like r for top: r's attributes inside the groups opened with
// WithGroup (with the attributes added in each), then as at the top level.
func (c *contextAttrs) regroup(r slog.Record, as []slog.Attr) slog.Record {
	inner := c.groups[len(c.groups)-1].attrs
	if r.NumAttrs() > 0 {
		inner = slices.Grow(slices.Clip(inner), r.NumAttrs())
		r.Attrs(func(a slog.Attr) bool {
			inner = append(inner, a)
			return true
		})
	}
	g := slog.Attr{Key: c.groups[len(c.groups)-1].name, Value: slog.GroupValue(inner...)}
	for i := len(c.groups) - 2; i >= 0; i-- {
		g = slog.Attr{Key: c.groups[i].name, Value: slog.GroupValue(append(slices.Clip(c.groups[i].attrs), g)...)}
	}
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	out.AddAttrs(g)
	out.AddAttrs(as...)
	return out
}

// WithAttrs returns a ContextAttrs with the same f over h.WithAttrs(as).
func (c *contextAttrs) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return c
	}
	d := &contextAttrs{h: c.h.WithAttrs(as), f: c.f, top: c.top, groups: c.groups}
	if len(c.groups) == 0 {
		d.top = d.h
	} else {
		d.groups = slices.Clone(c.groups)
		last := &d.groups[len(d.groups)-1]
		last.attrs = append(slices.Clip(last.attrs), as...)
	}
	return d
}

// WithGroup returns a ContextAttrs with the same f over h.WithGroup(name).
func (c *contextAttrs) WithGroup(name string) slog.Handler {
	if name == "" {
		return c
	}
	groups := append(slices.Clip(c.groups), contextGroup{name: name})
	return &contextAttrs{h: c.h.WithGroup(name), f: c.f, top: c.top, groups: groups}
}

// Flush flushes h if it buffers.
func (c *contextAttrs) Flush(ctx context.Context) error { return Flush(ctx, c.h) }

// Close closes h if it is an io.Closer.
func (c *contextAttrs) Close() error { return Close(c.h) }
