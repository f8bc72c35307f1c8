package netsink

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/slogx/handlers/slogx"
)

// ErrQueueFull is slogx.ErrBufferFull under its older name: a background sender's queue was
// full and the record was dropped (counted in Stats().Dropped), since the logger never waits
// for the network.
var ErrQueueFull = slogx.ErrBufferFull

// ErrCloseTimeout is reported for records still queued when Close gave up waiting.
var ErrCloseTimeout = errors.New("netsink: close timed out, record dropped")

// errBatchClosed is returned by batcher.add and flush after close; it wraps slogx.ErrClosed so
// callers can test for that.
var errBatchClosed = fmt.Errorf("netsink: sender: %w", slogx.ErrClosed)

// batchItem is one queue entry: a value, or (flush != nil) a flush marker that the worker
// closes once everything queued before it has been handed to send.
type batchItem[T any] struct {
	v     T
	flush chan struct{}
}

// batcher is the background sender shared by SMTP and HTTP: a bounded queue drained by one
// goroutine that groups values into batches of at most size values, waiting at most interval
// after the first value of a batch (interval 0: send as soon as the queue is momentarily empty).
// add never blocks; send runs only on the worker goroutine, so batches are sent one at a time
// and in queue order.
type batcher[T any] struct {
	q        chan batchItem[T]
	size     int
	interval time.Duration
	send     func(ctx context.Context, batch []T) // reports its own failures
	drop     func(n int, err error)

	mu     sync.Mutex // orders add against close, so no value lands after the final drain
	closed bool

	stop   chan struct{} // closed by close: drain and exit
	done   chan struct{} // closed by the worker when it exits
	ctx    context.Context
	cancel context.CancelFunc
}

// newBatcher starts the worker. capacity is the queue length; size is at least 1.
func newBatcher[T any](capacity, size int, interval time.Duration,
	send func(context.Context, []T), drop func(int, error)) *batcher[T] {
	if size < 1 {
		size = 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &batcher[T]{
		q: make(chan batchItem[T], capacity), size: size, interval: interval,
		send: send, drop: drop,
		stop: make(chan struct{}), done: make(chan struct{}),
		ctx: ctx, cancel: cancel,
	}
	go b.run()
	return b
}

// add enqueues v without blocking. It returns ErrQueueFull when the queue is full and
// errBatchClosed after close; the caller counts the drop.
func (b *batcher[T]) add(v T) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errBatchClosed
	}
	select {
	case b.q <- batchItem[T]{v: v}:
		return nil
	default:
		return ErrQueueFull
	}
}

// flush waits until every value queued before the call has been through send (delivered,
// or failed and reported), or ctx ends.
func (b *batcher[T]) flush(ctx context.Context) error {
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return errBatchClosed
	}
	marker := batchItem[T]{flush: make(chan struct{})}
	select {
	case b.q <- marker:
	case <-b.done:
		return errBatchClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-marker.flush:
		return nil
	case <-b.done:
		return nil // the worker drained the queue, marker included, before exiting
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close stops accepting values and waits up to timeout for the queue to be sent. Past the
// timeout, the send in progress is cancelled and what is left is counted as dropped. close
// always returns with the worker gone; it is idempotent.
func (b *batcher[T]) close(timeout time.Duration) {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.stop)
	}
	b.mu.Unlock()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-b.done:
	case <-t.C:
		b.cancel()
		<-b.done
	}
	b.cancel()
}

func (b *batcher[T]) run() {
	defer close(b.done)
	batch := make([]T, 0, b.size)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	flush := func() {
		timer.Stop()
		if len(batch) == 0 {
			return
		}
		if err := b.ctx.Err(); err != nil {
			b.drop(len(batch), ErrCloseTimeout)
		} else {
			b.send(b.ctx, batch)
		}
		clear(batch) // let the values be collected
		batch = batch[:0]
	}
	take := func(it batchItem[T]) {
		if it.flush != nil {
			flush()
			close(it.flush)
			return
		}
		batch = append(batch, it.v)
		if len(batch) == 1 && b.interval > 0 {
			timer.Reset(b.interval)
		}
		if len(batch) >= b.size || (b.interval <= 0 && len(b.q) == 0) {
			flush()
		}
	}
	for {
		select {
		case it := <-b.q:
			take(it)
		case <-timer.C:
			flush()
		case <-b.stop:
			// add no longer succeeds: what is in the queue now is all there will be.
			for {
				select {
				case it := <-b.q:
					take(it)
				default:
					flush()
					return
				}
			}
		}
	}
}
