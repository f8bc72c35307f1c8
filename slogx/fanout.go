package slogx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// fanoutHandler sends each record to several handlers.
type fanoutHandler struct {
	hs  []slog.Handler
	rep *Reporter // panics of targets, which could not report themselves
}

// Fanout returns a handler that passes each record to every handler of hs that is enabled for
// its level, in order, as Python does for the several handlers of one logger.
//
// Each target gets its own clone of the record (slog.Record.Clone), so a target that adds
// attributes cannot affect the next. A failing target does not stop the others: Handle calls
// every target and returns the errors.Join of their errors. A target that panics is isolated:
// the panic is recovered, reported (standard error, rate-limited) and returned as an error.
// Enabled is true if any target is enabled. Fanout with no handlers discards everything.
//
// Fanout does not count or report the errors targets return: the handlers of this module
// already do that themselves.
//
// Fanout owns its targets: Flush flushes every target that buffers and Close closes every
// target that is an io.Closer (each once, all of them even when one fails), joining their
// errors. Fanout of a single handler returns that handler.
func Fanout(hs ...slog.Handler) slog.Handler {
	if len(hs) == 1 {
		return hs[0]
	}
	return &fanoutHandler{hs: append([]slog.Handler(nil), hs...), rep: NewReporter(nil)}
}

// Flush flushes every target that is a Flusher and joins their errors.
func (f *fanoutHandler) Flush(ctx context.Context) error { return flushAll(ctx, f.hs...) }

// Close closes every target that is an io.Closer and joins their errors. The handlers derived
// with WithAttrs and WithGroup share the targets' resources, so closing any of them closes all.
func (f *fanoutHandler) Close() error { return closeAll(f.hs...) }

// Enabled reports whether any target is enabled for level.
func (f *fanoutHandler) Enabled(ctx context.Context, level slog.Level) bool {
	for _, h := range f.hs {
		if h.Enabled(ctx, level) {
			return true
		}
	}
	return false
}

// Handle passes a clone of r to each enabled target and joins their errors.
func (f *fanoutHandler) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	for i, h := range f.hs {
		if !h.Enabled(ctx, r.Level) {
			continue
		}
		c := r.Clone()
		if err := f.handleOne(ctx, i, h, &c); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// handleOne takes the clone by pointer: a Record is ~300 bytes and is copied again into Handle.
func (f *fanoutHandler) handleOne(ctx context.Context, i int, h slog.Handler, r *slog.Record) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("slogx: fanout target %d (%T) panicked: %v", i, h, p)
			f.rep.Error(err)
		}
	}()
	return h.Handle(ctx, *r)
}

// WithAttrs returns a Fanout of every target's WithAttrs.
func (f *fanoutHandler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return f
	}
	hs := make([]slog.Handler, len(f.hs))
	for i, h := range f.hs {
		hs[i] = h.WithAttrs(as)
	}
	return &fanoutHandler{hs: hs, rep: f.rep}
}

// WithGroup returns a Fanout of every target's WithGroup.
func (f *fanoutHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return f
	}
	hs := make([]slog.Handler, len(f.hs))
	for i, h := range f.hs {
		hs[i] = h.WithGroup(name)
	}
	return &fanoutHandler{hs: hs, rep: f.rep}
}
