package slogx

import (
	"context"
	"log/slog"
)

// filterHandler passes on the records a predicate accepts.
type filterHandler struct {
	h    slog.Handler
	keep func(context.Context, slog.Record) bool
}

// Filter returns a handler that passes a record to h only if keep returns true for it, as a
// Python logging.Filter attached to a handler does. A record keep rejects is discarded on
// purpose: Handle returns nil and nothing is counted. keep sees the record as logged: the
// attributes added by WithAttrs are not among its Attrs. keep is called concurrently if the
// handler is used concurrently. A nil keep keeps everything. Flush and Close are forwarded
// to h, which the filter owns.
func Filter(h slog.Handler, keep func(context.Context, slog.Record) bool) slog.Handler {
	if keep == nil {
		return h
	}
	return &filterHandler{h: h, keep: keep}
}

// Enabled reports whether h is enabled: the predicate needs the whole record.
func (f *filterHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return f.h.Enabled(ctx, level)
}

// Handle passes r to h if keep(ctx, r) is true.
func (f *filterHandler) Handle(ctx context.Context, r slog.Record) error {
	if !f.keep(ctx, r) {
		return nil
	}
	return f.h.Handle(ctx, r)
}

// WithAttrs returns a Filter with the same predicate over h.WithAttrs(as).
func (f *filterHandler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return f
	}
	return &filterHandler{h: f.h.WithAttrs(as), keep: f.keep}
}

// WithGroup returns a Filter with the same predicate over h.WithGroup(name).
func (f *filterHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return f
	}
	return &filterHandler{h: f.h.WithGroup(name), keep: f.keep}
}

// filterLevel passes on the records at or above a level.
type filterLevel struct {
	h   slog.Handler
	min slog.Leveler
}

// LevelFilter returns a handler that passes to h only the records whose level is at least
// min.Level() (read on every record, so a *slog.LevelVar can change it), like Python's
// Handler.setLevel on a handler shared by several loggers. Enabled is false below the level,
// so disabled records cost nothing. A nil min means slog.LevelInfo. Flush and Close are
// forwarded to h, which the filter owns.
func LevelFilter(h slog.Handler, min slog.Leveler) slog.Handler {
	if min == nil {
		min = slog.LevelInfo
	}
	return &filterLevel{h: h, min: min}
}

// Enabled reports whether level is at least the minimum and h is enabled.
func (f *filterLevel) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= f.min.Level() && f.h.Enabled(ctx, level)
}

// Handle passes r to h if its level is at least the minimum; Handle may be called without
// Enabled (by another middleware), so the level is checked again.
func (f *filterLevel) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < f.min.Level() {
		return nil
	}
	return f.h.Handle(ctx, r)
}

// WithAttrs returns a LevelFilter with the same minimum over h.WithAttrs(as).
func (f *filterLevel) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return f
	}
	return &filterLevel{h: f.h.WithAttrs(as), min: f.min}
}

// WithGroup returns a LevelFilter with the same minimum over h.WithGroup(name).
func (f *filterLevel) WithGroup(name string) slog.Handler {
	if name == "" {
		return f
	}
	return &filterLevel{h: f.h.WithGroup(name), min: f.min}
}

// Flush flushes h if it buffers.
func (f *filterHandler) Flush(ctx context.Context) error { return Flush(ctx, f.h) }

// Close closes h if it is an io.Closer.
func (f *filterHandler) Close() error { return Close(f.h) }

// Flush flushes h if it buffers.
func (f *filterLevel) Flush(ctx context.Context) error { return Flush(ctx, f.h) }

// Close closes h if it is an io.Closer.
func (f *filterLevel) Close() error { return Close(f.h) }
