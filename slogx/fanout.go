package slogx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// multiHandler is Fanout and Failover: the handlers they own, in order, and the reporter of
// their panics. They differ only in how Handle picks targets.
type multiHandler struct {
	hs       []slog.Handler
	rep      *Reporter // panics of targets, which could not report themselves
	failover bool      // Failover: stop at the first target that takes the record
}

func newMulti(hs []slog.Handler, failover bool) *multiHandler {
	return &multiHandler{hs: append([]slog.Handler(nil), hs...), rep: NewReporter(nil), failover: failover}
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
	return newMulti(hs, false)
}

// Flush flushes every target that is a Flusher, all of them even when one fails, and joins
// their errors.
func (m *multiHandler) Flush(ctx context.Context) error { return flushAll(ctx, m.hs...) }

// Close closes every target that is an io.Closer and joins their errors. The handlers derived
// with WithAttrs and WithGroup share the targets' resources, so closing any of them closes all.
func (m *multiHandler) Close() error { return closeAll(m.hs...) }

// Enabled reports whether any target is enabled for level.
func (m *multiHandler) Enabled(ctx context.Context, level slog.Level) bool {
	for _, h := range m.hs {
		if h.Enabled(ctx, level) {
			return true
		}
	}
	return false
}

// Handle passes r to the enabled targets: every one of them (Fanout), or each in turn until
// one takes it (Failover).
func (m *multiHandler) Handle(ctx context.Context, r slog.Record) error {
	if m.failover {
		return m.handleFirst(ctx, &r)
	}
	var errs []error
	for i, h := range m.hs {
		if !h.Enabled(ctx, r.Level) {
			continue
		}
		c := r.Clone()
		if err := m.handleOne(ctx, i, &c); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// handleOne passes r to target i, turning a panic into a reported error. It takes the record
// by pointer: a Record is ~300 bytes and is copied again into Handle.
func (m *multiHandler) handleOne(ctx context.Context, i int, r *slog.Record) (err error) {
	h := m.hs[i]
	defer func() {
		if p := recover(); p != nil {
			kind := "fanout"
			if m.failover {
				kind = "failover"
			}
			err = fmt.Errorf("slogx: %s target %d (%T) panicked: %v", kind, i, h, p)
			m.rep.Error(err)
		}
	}()
	return h.Handle(ctx, *r)
}

// WithAttrs returns the same kind of handler over every target's WithAttrs.
func (m *multiHandler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return m
	}
	return m.derive(func(h slog.Handler) slog.Handler { return h.WithAttrs(as) })
}

// WithGroup returns the same kind of handler over every target's WithGroup.
func (m *multiHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return m
	}
	return m.derive(func(h slog.Handler) slog.Handler { return h.WithGroup(name) })
}

// derive returns a handler of m's kind, with m's reporter, over d of each target.
func (m *multiHandler) derive(d func(slog.Handler) slog.Handler) *multiHandler {
	hs := make([]slog.Handler, len(m.hs))
	for i, h := range m.hs {
		hs[i] = d(h)
	}
	return &multiHandler{hs: hs, rep: m.rep, failover: m.failover}
}
