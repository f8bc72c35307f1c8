package deliver

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/slogx/handlers/slogx"
)

// ExchangeWriter is the writer of the handlers that deliver a batch per exchange (an HTTP
// request, a mail): the delivery engine, counting as bytes delivered those the exchanges
// carried (request bodies, mails) rather than the records' encoded bytes.
type ExchangeWriter struct {
	*Engine
	name    string         // the handler's error prefix, as the engine's
	wire    *atomic.Uint64 // bytes of successful exchanges, counted by the transport
	release func()         // frees what the transport holds, once the engine stopped
	closed  atomic.Bool
}

// NewExchangeWriter starts an engine over t (with o.Spool, if set: see Open).
func NewExchangeWriter(t Transport, rep *slogx.Reporter, o Options, wire *atomic.Uint64, release func()) (*ExchangeWriter, error) {
	e, err := Open(t, rep, o)
	if err != nil {
		return nil, err
	}
	return &ExchangeWriter{Engine: e, name: o.Name, wire: wire, release: release}, nil
}

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
