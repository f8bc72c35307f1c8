package deliver

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slogx/handlers/netsink/internal/spool"
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

	// Built once: Write returns (or reports) the same error for every record it drops, so
	// that dropping allocates nothing while the peer is down, when it happens for every log
	// call. The counts are in Stats.
	errFull, errOldest, errClosed error

	// full is set when a record was dropped for want of room that a record as small as the
	// smallest Write ever took (minRec) would not have found either, under a policy that
	// does not wait; it is cleared whenever records settle. Full reads it.
	full   atomic.Bool
	minRec int
}

// New starts an engine sending through t and reporting through rep (the reporter a
// slogx.Open callback receives), holding records in memory: o.Spool is not looked at (Open
// takes it). Its sender goroutine runs until Close.
func New(t Transport, rep *slogx.Reporter, o Options) *Engine {
	return start(t, rep, o, nil)
}

// Open is New with the disk spool o.Spool when o.Spool.Dir is set: it locks the directory
// and recovers the records an earlier run left there (counted in Recovered, sent first, in
// their order; torn and lost ones are counted as Dropped and reported). It fails when the
// directory is owned by another handler or cannot be read.
func Open(t Transport, rep *slogx.Reporter, o Options) (*Engine, error) {
	if o.Spool.Dir == "" {
		return New(t, rep, o), nil
	}
	so := o.Spool
	so.Name = o.Name
	sp, err := spool.Open(so)
	if err != nil {
		return nil, err
	}
	if _, torn, lost := sp.Recovered(); torn+lost > 0 {
		rep.Drop(torn+lost, fmt.Errorf("%s: spool %s: %d torn records and %d records after them skipped at recovery",
			o.Name, so.Dir, torn, lost))
	}
	if o.SenderID != nil {
		o.SenderID(sp.ID())
	}
	return start(t, rep, o, sp), nil
}

func start(t Transport, rep *slogx.Reporter, o Options, sp *spool.Spool) *Engine {
	ctx, cancel := context.WithCancel(context.Background())
	e := &Engine{
		opts: o, tr: t, rep: rep, bound: o.buffer(),
		changed: make(chan struct{}),
		wake:    make(chan struct{}, 1),
		closing: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{}),
		ctx: ctx, cancel: cancel,
	}
	e.q.recycle = o.RecycleChunks
	what := fmt.Sprintf("%d bytes", e.bound)
	if sp != nil {
		e.q.sp = sp
		e.q.done, e.q.last = sp.Done(), sp.Last()
		what = fmt.Sprintf("spool %s at MaxBytes", o.Spool.Dir)
	}
	e.errFull = fmt.Errorf("%s: %w (%s; the peer is down or slow)", o.Name, slogx.ErrBufferFull, what)
	e.errOldest = fmt.Errorf("%s: buffer full (%s): dropped the oldest records", o.Name, what)
	e.errClosed = fmt.Errorf("%s: %w", o.Name, errClosed)
	go e.run()
	return e
}

// Write copies p, one record, into the buffer (the spool, with one), and returns without
// network I/O. When the buffer is full it applies Options.Overflow: the error for a dropped
// p wraps slogx.ErrBufferFull (so slogx.Handler counts it as Dropped); older records dropped
// for p are counted and reported here. After Close it returns an error wrapping
// slogx.ErrClosed. With a spool, p is in the spool's mapped file (the page cache) when
// Write returns, and on the disk with a negative Spool.Sync.
func (e *Engine) Write(p []byte) (int, error) {
	e.mu.Lock()
	if max := e.q.maxRecord(e.bound); len(p) > max {
		e.mu.Unlock()
		return 0, fmt.Errorf("%s: record of %d bytes larger than the %d bytes a record may take: %w", e.opts.Name, len(p), max, slogx.ErrBufferFull)
	}
	if e.closed {
		e.mu.Unlock()
		return 0, e.errClosed
	}
	var dropped int
	if !e.q.fits(len(p), e.bound) {
		switch e.opts.Overflow {
		case slogx.DropOldest:
			for !e.q.fits(len(p), e.bound) {
				n := e.q.dropOldest()
				if n == 0 {
					break
				}
				dropped += n
			}
			e.sent = max(e.sent, e.q.done)
			e.signal()
		case slogx.Block:
			e.waitRoom(len(p))
		}
		if e.closed || !e.q.fits(len(p), e.bound) {
			if e.opts.Overflow != slogx.DropOldest && !e.q.fits(e.minRec, e.bound) &&
				(e.opts.Overflow == slogx.DropNewest || e.opts.EnqueueTimeout <= 0) {
				e.full.Store(true)
			}
			closed := e.closed
			e.mu.Unlock()
			if dropped > 0 {
				e.rep.Drop(uint64(dropped), e.errOldest)
			}
			if closed {
				return 0, e.errClosed
			}
			return 0, e.errFull
		}
	}
	_, err := e.q.add(p, e.opts.Stamp)
	if err == nil && (e.minRec == 0 || len(p) < e.minRec) {
		e.minRec = len(p)
	}
	e.mu.Unlock()
	if dropped > 0 {
		e.rep.Drop(uint64(dropped), e.errOldest)
	}
	if err != nil {
		if se := (*spool.SyncError)(nil); errors.As(err, &se) {
			e.rep.Error(err) // p is in the spool, to be sent; only the flush to the disk failed
		} else {
			return 0, fmt.Errorf("%w: %w", err, slogx.ErrDropped)
		}
	}
	e.poke()
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
	for !e.closed && !e.q.fits(n, e.bound) {
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
	e.full.Store(false) // there may be room now
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
// Dropped, reported, and returned as an error wrapping ErrCloseTimeout; with a spool they
// are not lost but stay in it for the next Open (Pending says how many). Close is
// idempotent; a second call waits for
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
	if sp := e.q.sp; sp != nil {
		// Not lost: they stay in the spool for the next Open of the directory.
		e.q.reclaim()
		err := sp.Close()
		e.signal()
		e.mu.Unlock()
		if err != nil {
			return e.rep.Error(err)
		}
		return nil
	}
	for e.q.len() > 0 {
		e.q.pop()
	}
	e.q.reclaim() // the sender is gone: no Send reads the chunks
	e.signal()
	e.mu.Unlock()
	if left == 0 {
		return nil
	}
	cause := ferr
	switch {
	case ferr == nil:
		cause = errors.New("sender stopped")
	case errors.Is(ferr, context.DeadlineExceeded):
		cause = context.DeadlineExceeded // Flush's error would name the engine a second time
	}
	err := fmt.Errorf("%s: closed with %d undelivered records: %w (%w)", e.opts.Name, left, ErrCloseTimeout, cause)
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

// Recovered returns how many records an earlier run left in the spool, which this engine
// sends first (0 without a spool).
func (e *Engine) Recovered() uint64 {
	if e.q.sp == nil {
		return 0
	}
	r, _, _ := e.q.sp.Recovered()
	return r
}

// SenderID returns the sender identity kept in the spool, the same in every run with the
// same directory; ok is false without a spool. Socket puts it in its frames, so that a
// Server's Dedup recognizes the records sent again after a restart.
func (e *Engine) SenderID() (id [16]byte, ok bool) {
	if e.q.sp == nil {
		return id, false
	}
	return e.q.sp.ID(), true
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

// Full returns the error Write would return for any record, without taking a lock, while
// the buffer is full and the policy drops rather than waits (slogx.DropNewest, or slogx.Block
// with no EnqueueTimeout): from a drop that a record as small as the smallest Write ever
// took would have met too, until records settle. slogx.Handler calls it before encoding a
// record, so a record dropped while the peer is down costs no encoding.
func (e *Engine) Full() error {
	if e.full.Load() {
		return e.errFull
	}
	return nil
}

// ConcurrentWrite reports that Write is safe for concurrent use, so slogx.Handler calls it
// without its own lock: under slogx.Block each caller then waits at most EnqueueTimeout, not
// that bound times the callers queued before it.
func (e *Engine) ConcurrentWrite() bool { return true }
