package slogx

import (
	"context"
	"errors"
	"log/slog"
)

// Failover returns a handler that passes each record to the handlers of hs in order, stopping
// at the first whose Handle returns nil: OTLP first, say, and a local rotating file when the
// collector's handler refuses a record (samber/slog-multi's Failover; Python has none). A
// handler not enabled for the record's level is skipped. Handle returns nil once a handler
// took the record; when every enabled handler failed, it returns the errors.Join of their
// errors, in order, and the record reached none of them. A handler that panics is isolated
// as in Fanout: the panic is recovered, reported (standard error, rate-limited) and counts as
// that handler's failure, so the next one gets the record.
//
// Failover sees a failure only when Handle returns it: a network handler that queues records
// returns an error when its buffer overflows or it is closed, not when a delivery it already
// accepted fails later.
//
// Each handler gets its own clone of the record (slog.Record.Clone), so a handler that added
// attributes before failing cannot affect the next. Handing a record to the first handler
// allocates nothing; failures may.
//
// Enabled is true if any handler is enabled. WithAttrs and WithGroup reach every handler.
// Failover does not count or report the errors handlers return: the handlers of this module
// already do that themselves, as in Fanout.
//
// Failover owns its handlers: Flush flushes every handler that buffers and Close closes every
// handler that is an io.Closer (each once, all of them even when one fails), joining their
// errors. Failover of a single handler returns that handler; with none it discards everything.
func Failover(hs ...slog.Handler) slog.Handler {
	if len(hs) == 1 {
		return hs[0]
	}
	return newMulti(hs, true)
}

// handleFirst passes r to each enabled target in turn until one returns nil.
func (m *multiHandler) handleFirst(ctx context.Context, r *slog.Record) error {
	var errs []error
	for i, h := range m.hs {
		if !h.Enabled(ctx, r.Level) {
			continue
		}
		c := r.Clone()
		err := m.handleOne(ctx, i, &c)
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
