package slogx

import (
	"context"
	"log/slog"
)

// contextAttrs adds the attributes a function finds in the context to every record.
type contextAttrs struct {
	h slog.Handler
	f func(context.Context) []slog.Attr
}

// ContextAttrs returns a handler that adds f(ctx) to every record logged with a context
// (Logger.InfoContext, Logger.Log, ...) before passing it to h: request and tenant ids, trace
// and span ids, whatever the application keeps in its contexts.
//
// The attributes are added as the record's own, after those of the log call, so they land
// where the call's attributes land: inside the groups opened with WithGroup. f is called once
// per record, in the logging goroutine, possibly concurrently, and must not retain or modify
// the slice it returns afterwards (it may return the same slice every time, stored in the
// context). A nil context and an empty result leave the record untouched and cost nothing
// more than the call to f. Adding attributes allocates only when the record's attributes and
// f's together exceed the five a slog.Record holds inline (what f itself allocates aside).
// The record the caller passed is never modified: ContextAttrs adds to its own clone. A nil f
// returns h.
//
// Enabled is h's. ContextAttrs owns h: Flush and Close are forwarded to it.
func ContextAttrs(h slog.Handler, f func(context.Context) []slog.Attr) slog.Handler {
	if f == nil {
		return h
	}
	return &contextAttrs{h: h, f: f}
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
	// Clone clips the record's overflow slice, so that AddAttrs cannot write into an array
	// the caller's record (handed to several handlers by a fan-out) still uses.
	r = r.Clone()
	r.AddAttrs(as...)
	return c.h.Handle(ctx, r)
}

// WithAttrs returns a ContextAttrs with the same f over h.WithAttrs(as).
func (c *contextAttrs) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return c
	}
	return &contextAttrs{h: c.h.WithAttrs(as), f: c.f}
}

// WithGroup returns a ContextAttrs with the same f over h.WithGroup(name).
func (c *contextAttrs) WithGroup(name string) slog.Handler {
	if name == "" {
		return c
	}
	return &contextAttrs{h: c.h.WithGroup(name), f: c.f}
}

// Flush flushes h if it buffers.
func (c *contextAttrs) Flush(ctx context.Context) error { return Flush(ctx, c.h) }

// Close closes h if it is an io.Closer.
func (c *contextAttrs) Close() error { return Close(c.h) }
