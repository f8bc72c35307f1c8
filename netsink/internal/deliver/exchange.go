package deliver

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/slogx/handlers/slogx"
)

// ExchangeWriter is the writer of the handlers that deliver a batch per exchange (an HTTP
// request, a mail): the delivery engine, with a bound on records waiting (QueueSize) in front
// of it. Write never waits: past the bound, or past the engine's byte buffer, the record is
// dropped with an error wrapping slogx.ErrBufferFull. Records count as delivered when their
// exchange succeeded; bytes are those the exchanges carried (request bodies, mails).
type ExchangeWriter struct {
	*Engine
	name    string         // the handler's error prefix, as the engine's
	limit   int            // records buffered at most, queued or in flight
	wire    *atomic.Uint64 // bytes of successful exchanges, counted by the transport
	release func()         // frees what the transport holds, once the engine stopped
	closed  atomic.Bool
}

// NewExchangeWriter starts an engine over t. A batch of batch records (at most) is in flight
// while queue more wait, so limit is their sum.
func NewExchangeWriter(t Transport, rep *slogx.Reporter, o Options, queue, batch int,
	wire *atomic.Uint64, release func()) *ExchangeWriter {
	return &ExchangeWriter{Engine: New(t, rep, o), name: o.Name, limit: queue + batch,
		wire: wire, release: release}
}

// Write hands one encoded record to the engine unless limit records are already buffered.
// slogx.Handler serializes Writes, so the check cannot be overtaken by another record.
func (w *ExchangeWriter) Write(p []byte) (int, error) {
	if n := w.Pending(); n >= w.limit {
		return 0, fmt.Errorf("%s: %w (%d records waiting)", w.name, slogx.ErrBufferFull, n)
	}
	return w.Engine.Write(p)
}

// ConcurrentWrite is false: the QueueSize check in Write relies on slogx.Handler serializing
// Writes (the engine alone could take them concurrently).
func (w *ExchangeWriter) ConcurrentWrite() bool { return false }

// Delivered returns the records delivered and the bytes their exchanges carried.
func (w *ExchangeWriter) Delivered() (records, bytes uint64) {
	records, _ = w.Engine.Delivered()
	return records, w.wire.Load()
}

// Flush waits until every record written before the call has been delivered or has failed
// (see deliver.Engine.Flush). After Close it returns an error wrapping slogx.ErrClosed: there
// is nothing left that it could wait for.
func (w *ExchangeWriter) Flush(ctx context.Context) error {
	if w.closed.Load() {
		return fmt.Errorf("%s: flush after close: %w", w.name, slogx.ErrClosed)
	}
	return w.Engine.Flush(ctx)
}

// Close delivers what is buffered within the engine's close timeout and stops the sender.
// Records still undelivered then are counted as dropped and reported by the engine; the
// error returned wraps ErrCloseTimeout.
func (w *ExchangeWriter) Close() error {
	if w.closed.Swap(true) {
		return nil
	}
	err := w.Engine.Close()
	w.release()
	return err
}

// ExchangeMaxRetries resolves the MaxRetries option of HTTP and SMTP for the engine: zero
// means 3, negative none.
func ExchangeMaxRetries(n int) int {
	switch {
	case n == 0:
		return 3
	case n < 0:
		return 0
	}
	return n
}
