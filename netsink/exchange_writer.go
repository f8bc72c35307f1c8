package netsink

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/slogx/handlers/netsink/internal/deliver"
	"github.com/slogx/handlers/slogx"
)

// ErrQueueFull is slogx.ErrBufferFull under its older name: a network handler's queue was
// full and the record was dropped (counted in Stats().Dropped), since the logger never waits
// for the network.
var ErrQueueFull = slogx.ErrBufferFull

// ErrCloseTimeout is wrapped by the error Close of HTTP and SMTP returns when records were
// still undelivered at CloseTimeout; they are counted in Stats().Dropped and reported.
var ErrCloseTimeout = errors.New("netsink: close timed out, records dropped")

// exchangeWriter is the writer of the handlers that deliver a batch per exchange (an HTTP
// request, a mail): the delivery engine, with a bound on records waiting (QueueSize) in front
// of it. Write never waits: past the bound, or past the engine's byte buffer, the record is
// dropped with an error wrapping slogx.ErrBufferFull. Records count as delivered when their
// exchange succeeded; bytes are those the exchanges carried (request bodies, mails).
type exchangeWriter struct {
	*deliver.Engine
	name    string         // the handler's error prefix, as the engine's
	limit   int            // records buffered at most, queued or in flight
	wire    *atomic.Uint64 // bytes of successful exchanges, counted by the transport
	release func()         // frees what the transport holds, once the engine stopped
	closed  atomic.Bool
}

// newExchangeWriter starts an engine over t. A batch of batch records (at most) is in flight
// while queue more wait, so limit is their sum.
func newExchangeWriter(t deliver.Transport, rep *slogx.Reporter, o deliver.Options, queue, batch int,
	wire *atomic.Uint64, release func()) *exchangeWriter {
	return &exchangeWriter{Engine: deliver.New(t, rep, o), name: o.Name, limit: queue + batch,
		wire: wire, release: release}
}

// Write hands one encoded record to the engine unless limit records are already buffered.
// slogx.Handler serializes Writes, so the check cannot be overtaken by another record.
func (w *exchangeWriter) Write(p []byte) (int, error) {
	if n := w.Pending(); n >= w.limit {
		return 0, fmt.Errorf("%s: %w (%d records waiting)", w.name, ErrQueueFull, n)
	}
	return w.Engine.Write(p)
}

// ConcurrentWrite is false: the QueueSize check in Write relies on slogx.Handler serializing
// Writes (the engine alone could take them concurrently).
func (w *exchangeWriter) ConcurrentWrite() bool { return false }

// Delivered returns the records delivered and the bytes their exchanges carried.
func (w *exchangeWriter) Delivered() (records, bytes uint64) {
	records, _ = w.Engine.Delivered()
	return records, w.wire.Load()
}

// Flush waits until every record written before the call has been delivered or has failed
// (see deliver.Engine.Flush). After Close it returns an error wrapping slogx.ErrClosed: there
// is nothing left that it could wait for.
func (w *exchangeWriter) Flush(ctx context.Context) error {
	if w.closed.Load() {
		return fmt.Errorf("%s: flush after close: %w", w.name, slogx.ErrClosed)
	}
	return w.Engine.Flush(ctx)
}

// Close delivers what is buffered within the engine's close timeout and stops the sender.
// Records still undelivered then are counted as dropped and reported by the engine; the
// error returned also wraps ErrCloseTimeout.
func (w *exchangeWriter) Close() error {
	if w.closed.Swap(true) {
		return nil
	}
	err := w.Engine.Close()
	w.release()
	if err != nil {
		return closeTimeoutError{err}
	}
	return nil
}

// closeTimeoutError is the engine's error from Close, recognisable as ErrCloseTimeout.
type closeTimeoutError struct{ err error }

func (e closeTimeoutError) Error() string   { return e.err.Error() }
func (e closeTimeoutError) Unwrap() []error { return []error{e.err, ErrCloseTimeout} }

// exchangeMaxRetries resolves the MaxRetries option of HTTP and SMTP for the engine: zero
// means 3, negative none.
func exchangeMaxRetries(n int) int {
	switch {
	case n == 0:
		return 3
	case n < 0:
		return 0
	}
	return n
}
