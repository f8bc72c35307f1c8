package netsink

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/slogx/handlers/slogx"
)

// batchTransport delivers one batch of encoded records in one exchange (an HTTP request, a
// mail). An error wrapped in batchPermanent is not retried.
type batchTransport interface {
	// payload builds what one exchange carries for batch, once for all its attempts (a
	// retried mail keeps its Message-ID, so a receiver can drop a duplicate).
	payload(batch [][]byte) []byte
	// send makes one attempt at delivering payload.
	send(ctx context.Context, payload []byte) error
	// failed wraps the final error of a batch of n records with the handler's context.
	failed(n int, err error) error
	// close releases what the transport holds once the sender has stopped.
	close()
}

// batchWriter is the writer behind the HTTP and SMTP handlers: each Write queues a copy of one
// record for a batcher, whose one goroutine hands batches to the transport in order, with
// retries. Write never waits; a full queue drops the record. Records and bytes are counted
// when the transport delivered them, never when queued.
type batchWriter struct {
	b        *batcher[[]byte]
	t        batchTransport
	rep      *slogx.Reporter
	backoff  Backoff
	maxRetry int
	timeout  time.Duration // Close's bound
	full     error         // returned by Write when the queue is full

	records, bytes atomic.Uint64
}

func newBatchWriter(t batchTransport, rep *slogx.Reporter, queue, size int, interval time.Duration,
	backoff Backoff, maxRetries int, closeTimeout time.Duration, full error) *batchWriter {
	w := &batchWriter{t: t, rep: rep, backoff: backoff, maxRetry: batchMaxRetries(maxRetries),
		timeout: closeTimeout, full: full}
	w.b = newBatcher(queue, size, interval, w.send, func(n int, err error) {
		rep.Drop(uint64(n), err)
	})
	return w
}

// Write queues a copy of p, one encoded record. It returns an error wrapping
// slogx.ErrBufferFull when the queue is full.
func (w *batchWriter) Write(p []byte) (int, error) {
	switch err := w.b.add(append(make([]byte, 0, len(p)), p...)); err {
	case nil:
		return len(p), nil
	case ErrQueueFull:
		return 0, w.full
	default:
		// Unreachable through slogx.Handler, which stops writing before it closes us.
		return 0, fmt.Errorf("%w: %w", slogx.ErrDropped, err)
	}
}

// send runs on the batcher's goroutine only.
func (w *batchWriter) send(ctx context.Context, batch [][]byte) {
	p := w.t.payload(batch)
	err := batchRetry(ctx, w.backoff, w.maxRetry, func(ctx context.Context) error {
		return w.t.send(ctx, p)
	})
	if err != nil {
		w.rep.Error(w.t.failed(len(batch), err))
		return
	}
	w.records.Add(uint64(len(batch)))
	w.bytes.Add(uint64(len(p)))
}

// Delivered returns the records delivered and their bytes on the wire, for Handler.Stats.
func (w *batchWriter) Delivered() (records, bytes uint64) {
	return w.records.Load(), w.bytes.Load()
}

// Flush waits until every record written before the call has been delivered or has failed.
func (w *batchWriter) Flush(ctx context.Context) error { return w.b.flush(ctx) }

// Close delivers what is queued, waiting at most the close timeout (then counting the rest
// as dropped), and stops the sender.
func (w *batchWriter) Close() error {
	w.b.close(w.timeout)
	w.t.close()
	return nil
}
