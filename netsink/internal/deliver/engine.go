package deliver

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/slogx/handlers/slogx"
)

// ErrCloseTimeout is wrapped by the error of Close when records were still undelivered at
// Options.CloseTimeout; they are counted as dropped and reported. netsink exports it.
var ErrCloseTimeout = errors.New("netsink: close timed out, records dropped")

// errClosed is what Write returns after Close: a drop (counted in Dropped), for the closed
// handler.
var errClosed = fmt.Errorf("%w (%w)", slogx.ErrClosed, slogx.ErrDropped)

// Engine is the writer of a network handler: see the package doc for what it promises.
// Write, Flush, Close, Delivered and Pending are safe for concurrent use.
type Engine struct {
	opts  Options
	tr    Transport
	rep   *slogx.Reporter
	bound int

	mu      sync.Mutex
	q       queue
	sent    uint64 // an Acker's highest sequence number written on the current connection
	urgent  uint64 // Flush waits for records up to this one: send them without batching delay
	records uint64 // delivered
	bytes   uint64 // delivered
	closed  bool
	changed chan struct{} // closed and replaced whenever records settle, and at Close

	wake    chan struct{} // a record was written or a Flush started (capacity 1)
	closing chan struct{} // closed when Close starts: one last connection attempt
	stop    chan struct{} // closed when Close gave up waiting: the sender returns
	done    chan struct{} // closed when the sender returned
	cancel  context.CancelFunc
	ctx     context.Context
}

// New starts an engine sending through t and reporting through rep (the reporter a
// slogx.Open callback receives). Its sender goroutine runs until Close.
func New(t Transport, rep *slogx.Reporter, o Options) *Engine {
	ctx, cancel := context.WithCancel(context.Background())
	e := &Engine{
		opts: o, tr: t, rep: rep, bound: o.buffer(),
		changed: make(chan struct{}),
		wake:    make(chan struct{}, 1),
		closing: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{}),
		ctx: ctx, cancel: cancel,
	}
	e.q.recycle = o.RecycleChunks
	go e.run()
	return e
}

// Write copies p, one record, into the buffer, and returns without network I/O. When the
// buffer is full it applies Options.Overflow: the error for a dropped p wraps
// slogx.ErrBufferFull (so slogx.Handler counts it as Dropped); older records dropped for p
// are counted and reported here. After Close it returns an error wrapping slogx.ErrClosed.
func (e *Engine) Write(p []byte) (int, error) {
	if len(p) > e.bound {
		return 0, fmt.Errorf("%s: record of %d bytes larger than the %d-byte buffer: %w", e.opts.Name, len(p), e.bound, slogx.ErrBufferFull)
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return 0, fmt.Errorf("%s: %w", e.opts.Name, errClosed)
	}
	var dropped int
	if e.q.bytes+len(p) > e.bound {
		switch e.opts.Overflow {
		case slogx.DropOldest:
			for e.q.bytes+len(p) > e.bound {
				e.q.pop()
				dropped++
			}
			e.signal()
		case slogx.Block:
			e.waitRoom(len(p))
		}
		if e.closed || e.q.bytes+len(p) > e.bound {
			n, closed := e.q.len(), e.closed
			e.mu.Unlock()
			if closed {
				return 0, fmt.Errorf("%s: %w", e.opts.Name, errClosed)
			}
			return 0, fmt.Errorf("%s: %w (%d records, %d bytes buffered)", e.opts.Name, slogx.ErrBufferFull, n, e.bound)
		}
	}
	rec, seq := e.q.push(p)
	if e.opts.Stamp != nil {
		e.opts.Stamp(rec, seq)
	}
	e.mu.Unlock()
	e.poke()
	if dropped > 0 {
		e.rep.Drop(uint64(dropped), fmt.Errorf("%s: buffer full (%d bytes): dropped %d oldest records", e.opts.Name, e.bound, dropped))
	}
	return len(p), nil
}

// waitRoom waits, with e.mu held on entry and on return, until n bytes fit, the engine is
// closed, or EnqueueTimeout has passed.
func (e *Engine) waitRoom(n int) {
	if e.opts.EnqueueTimeout <= 0 {
		return
	}
	timer := time.NewTimer(e.opts.EnqueueTimeout)
	defer timer.Stop()
	for !e.closed && e.q.bytes+n > e.bound {
		ch := e.changed
		e.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			e.mu.Lock()
			return
		}
		e.mu.Lock()
	}
}

// poke wakes the sender without blocking.
func (e *Engine) poke() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// signal wakes everything waiting for records to settle; e.mu must be held.
func (e *Engine) signal() {
	close(e.changed)
	e.changed = make(chan struct{})
}

// Flush waits until every record written before the call is settled (delivered, refused or
// dropped), sending partial batches at once, or until ctx is done (with ctx's error). After
// Close it returns at once, with an error wrapping slogx.ErrClosed if records were left.
func (e *Engine) Flush(ctx context.Context) error {
	e.mu.Lock()
	target := e.q.last
	if target > e.urgent {
		e.urgent = target
	}
	e.mu.Unlock()
	e.poke()
	for {
		e.mu.Lock()
		ok, ch := e.q.done >= target, e.changed
		e.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-e.done:
			return fmt.Errorf("%s: flush after close: %w", e.opts.Name, slogx.ErrClosed)
		case <-ctx.Done():
			return fmt.Errorf("%s: flush: %w", e.opts.Name, ctx.Err())
		}
	}
}

// Close stops accepting records, waits up to Options.CloseTimeout for the buffered ones to
// be delivered (making one connection attempt at once if the backoff was holding it), then
// stops the sender and closes the connection. Records still undelivered are counted as
// Dropped, reported, and returned as an error wrapping ErrCloseTimeout. Close is idempotent; a second call waits for
// the first and returns nil.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		<-e.done
		return nil
	}
	e.closed = true
	e.signal() // Writes waiting for room give up
	e.mu.Unlock()
	close(e.closing)
	ctx, cancel := context.WithTimeout(context.Background(), e.opts.closeTimeout())
	ferr := e.Flush(ctx)
	cancel()
	close(e.stop)
	e.cancel()
	<-e.done
	e.mu.Lock()
	left := e.q.len()
	for e.q.len() > 0 {
		e.q.pop()
	}
	e.q.reclaim() // the sender is gone: no Send reads the chunks
	e.signal()
	e.mu.Unlock()
	if left == 0 {
		return nil
	}
	if ferr == nil {
		ferr = errors.New("sender stopped")
	}
	err := fmt.Errorf("%s: closed with %d undelivered records: %w: %w", e.opts.Name, left, ErrCloseTimeout, ferr)
	return e.rep.Drop(uint64(left), err)
}

// Delivered returns the records and bytes delivered so far: acknowledged by the peer for an
// Acker transport, accepted by Send otherwise. slogx.Handler reports them as Stats().Records
// and Bytes.
func (e *Engine) Delivered() (records, bytes uint64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.records, e.bytes
}

// Pending returns how many records are buffered and not yet settled (queued, in flight, or
// waiting for their acknowledgement).
func (e *Engine) Pending() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.q.len()
}

func (e *Engine) now() time.Time {
	if e.opts.Now != nil {
		return e.opts.Now()
	}
	return time.Now()
}

// ConcurrentWrite reports that Write is safe for concurrent use, so slogx.Handler calls it
// without its own lock: under slogx.Block each caller then waits at most EnqueueTimeout, not
// that bound times the callers queued before it.
func (e *Engine) ConcurrentWrite() bool { return true }
