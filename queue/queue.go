package queue

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slogx/handlers/slogx"
)

// maxBatch bounds how many records the listener takes out of the ring per lock acquisition:
// large enough that producers and the listener rarely meet on the mutex, small enough that a
// full queue gets room back soon.
const maxBatch = 256

// item is one accepted record with the target handler it belongs to. h is the target as
// derived by WithAttrs/WithGroup (computed once, at derivation time), so the listener does no
// per-record derivation work.
type item struct {
	h   slog.Handler
	ctx context.Context
	r   slog.Record
}

// core is the queue shared by a Handler and every handler derived from it.
//
// It is a ring buffer under one mutex with three condition variables rather than a channel:
// DropOldest needs to take the head out from under the listener, Flush needs exact counts of
// accepted and finished records, and a blocked producer needs to give up when its context is
// done; all three are direct with a ring and awkward with a channel. BenchmarkChannelBaseline
// in bench_test.go measures the channel design for comparison: the two cost about the same.
type core struct {
	mu       sync.Mutex
	ring     []item
	head, n  int
	closed   bool
	idle     bool // the listener waits on ready
	ready    sync.Cond
	space    sync.Cond // producers waiting for room (Block)
	progress sync.Cond // Flush waiting for finished to advance
	// Waiter counts let the hot path skip Broadcast when nobody waits.
	spaceWaiters, flushWaiters int
	// accepted counts records put into the ring; finished counts accepted records that left it
	// for good (handled by the target, or evicted by DropOldest). Flush waits for
	// finished >= accepted-at-call.
	accepted, finished uint64

	overflow Overflow
	resolve  bool         // Options.ResolveLogValuers
	root     slog.Handler // closed by Close if it is an io.Closer

	handled atomic.Uint64 // target returned nil
	dropped atomic.Uint64

	// Drop reports are rate-limited here, not only by the Reporter: OnError is the user's and
	// a full queue can drop millions of records a second.
	unreported uint64 // drops not yet reported, under mu
	lastCause  error  // why the latest drop happened, under mu
	lastReport time.Time
	interval   time.Duration
	now        func() time.Time
	rep        *slogx.Reporter

	done      chan struct{} // closed when the listener returns
	closeOnce sync.Once
	closeErr  error
}

// Handler is a slog.Handler that enqueues records for a listener goroutine which hands them
// to the target. It is safe for concurrent use.
//
// Ordering: records from one goroutine reach the target in the order that goroutine handled
// them; records of different goroutines are interleaved in the order they were accepted.
// The target is called from one goroutine only, so it need not be safe for concurrent use
// with itself.
//
// Loss: a record Handle accepted (returned nil for) reaches the target unless the policy is
// DropOldest and it is evicted by a newer record. Records refused (queue full under
// DropNewest, context done under Block, queue closed) make Handle return an error and are
// counted in Stats().Dropped and reported.
//
// Records are cloned (slog.Record.Clone) so the caller may reuse its attributes. Attribute
// values that are pointers are shared, not copied, and are read later on the listener
// goroutine; slog.LogValuer attributes are resolved there too, unless
// Options.ResolveLogValuers asks for the caller (Python's QueueHandler.prepare).
//
// The target must not log through the same queue (nor call Close or Flush on it): under
// Block with a full queue the listener would wait for itself.
type Handler struct {
	q      *core
	target slog.Handler
}

var (
	_ slog.Handler = (*Handler)(nil)
	_ io.Closer    = (*Handler)(nil)
)

// New starts a listener goroutine and returns a Handler that queues records for target.
// Close stops the goroutine; a Handler that is never closed leaks it. A nil target discards
// every record.
func New(target slog.Handler, o Options) *Handler {
	if target == nil {
		target = slog.DiscardHandler
	}
	q := &core{
		ring:     make([]item, o.capacity()),
		overflow: o.Overflow,
		resolve:  o.ResolveLogValuers,
		root:     target,
		interval: o.interval(),
		now:      o.now(),
		rep:      slogx.NewReporter(o.OnError),
		done:     make(chan struct{}),
	}
	q.ready.L = &q.mu
	q.space.L = &q.mu
	q.progress.L = &q.mu
	go q.listen()
	return &Handler{q: q, target: target}
}

// Enabled asks the target, as Python's QueueListener with respect_handler_level does, so that
// records the target would discard are never queued.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.target.Enabled(ctx, level)
}

// errClosed is prebuilt so that refusing records after Close does not allocate.
var errClosed = fmt.Errorf("queue: %w", slogx.ErrClosed)

// errEvicted is the cause reported for records evicted under DropOldest.
var errEvicted = fmt.Errorf("queue: oldest record evicted: %w", ErrFull)

// Handle queues a clone of r and returns without waiting for the target, except under Block
// with a full queue, where it waits for room or for ctx to be done. It returns nil when the
// record was accepted; ErrFull (DropNewest), the context's error (Block) or an error wrapping
// slogx.ErrClosed (after Close) when it was dropped. Errors of the target are not returned
// here: they are counted and reported by the listener.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if h.q.resolve {
		resolveRecord(&r)
	}
	r = r.Clone()
	q := h.q
	var due dropReport // drop report to send once unlocked (DropOldest)
	q.mu.Lock()
	if q.closed {
		return q.refuseLocked(errClosed)
	}
	if q.n == len(q.ring) {
		switch q.overflow {
		case DropNewest:
			return q.refuseLocked(ErrFull)
		case DropOldest:
			// The evicted record was accepted: it counts as finished for Flush.
			q.ring[q.head] = item{}
			q.head++
			if q.head == len(q.ring) {
				q.head = 0
			}
			q.n--
			q.finished++
			if q.flushWaiters > 0 {
				q.progress.Broadcast()
			}
			q.countDropLocked(errEvicted)
			due = q.takeDueLocked(false)
		default:
			if err := q.waitSpaceLocked(ctx); err != nil {
				return q.refuseLocked(err)
			}
		}
	}
	i := q.head + q.n
	if i >= len(q.ring) {
		i -= len(q.ring)
	}
	q.ring[i] = item{h: h.target, ctx: ctx, r: r}
	q.n++
	q.accepted++
	if q.idle {
		q.idle = false
		q.ready.Signal()
	}
	q.mu.Unlock()
	q.report(due)
	return nil
}

// waitSpaceLocked waits until the ring has room, the queue is closed, or ctx is done.
func (q *core) waitSpaceLocked(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("queue: full: %w", err)
	}
	if ctx.Done() != nil {
		// sync.Cond cannot select on a channel; wake every waiter when ctx ends and let
		// each one check its own context (the pattern of context.AfterFunc's documentation).
		stop := context.AfterFunc(ctx, func() {
			q.mu.Lock()
			q.space.Broadcast()
			q.mu.Unlock()
		})
		defer stop()
	}
	for q.n == len(q.ring) && !q.closed {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("queue: full: %w", err)
		}
		q.spaceWaiters++
		q.space.Wait()
		q.spaceWaiters--
	}
	if q.closed {
		return errClosed
	}
	return nil
}

// refuseLocked counts a record that was not accepted, unlocks q.mu, reports the drop if a
// report is due, and returns err.
func (q *core) refuseLocked(err error) error {
	q.countDropLocked(err)
	d := q.takeDueLocked(false)
	q.mu.Unlock()
	q.report(d)
	return err
}

// countDropLocked counts one dropped record whose cause is err.
func (q *core) countDropLocked(err error) {
	q.dropped.Add(1)
	q.unreported++
	q.lastCause = err
}

// dropReport is a due drop report: how many records, and the cause of the latest.
type dropReport struct {
	n     uint64
	cause error
}

// takeDueLocked returns the drops not reported yet if a report is due (at most one per
// interval, or force) and marks them reported.
func (q *core) takeDueLocked(force bool) dropReport {
	if q.unreported == 0 {
		return dropReport{}
	}
	now := q.now()
	if !force && !q.lastReport.IsZero() && now.Sub(q.lastReport) < q.interval {
		return dropReport{}
	}
	d := dropReport{n: q.unreported, cause: q.lastCause}
	q.unreported = 0
	q.lastReport = now
	return d
}

// report sends d to the Reporter; callers must not hold q.mu, so OnError never runs under the
// queue's lock.
func (q *core) report(d dropReport) {
	if d.n == 0 {
		return
	}
	q.rep.Drop(d.n, fmt.Errorf("queue: dropped %d records, the last one because: %w", d.n, d.cause))
}

// listen is the listener goroutine: it takes batches out of the ring and hands them to their
// targets until the queue is closed and empty.
func (q *core) listen() {
	defer close(q.done)
	batch := make([]item, min(maxBatch, len(q.ring)))
	q.mu.Lock()
	for {
		for q.n == 0 && !q.closed {
			q.idle = true
			q.ready.Wait()
		}
		q.idle = false
		if q.n == 0 { // closed and drained
			n := q.takeDueLocked(true)
			q.mu.Unlock()
			q.report(n)
			return
		}
		k := min(q.n, len(batch))
		// Copy out in at most two segments, clearing the slots so the ring does not keep
		// records (and their contexts) alive.
		first := min(k, len(q.ring)-q.head)
		copy(batch, q.ring[q.head:q.head+first])
		clear(q.ring[q.head : q.head+first])
		if first < k {
			copy(batch[first:], q.ring[:k-first])
			clear(q.ring[:k-first])
		}
		q.head += k
		if q.head >= len(q.ring) {
			q.head -= len(q.ring)
		}
		q.n -= k
		if q.spaceWaiters > 0 {
			q.space.Broadcast()
		}
		due := q.takeDueLocked(false)
		q.mu.Unlock()
		q.report(due)

		for i := range batch[:k] {
			q.deliver(&batch[i])
		}
		clear(batch[:k])

		q.mu.Lock()
		q.finished += uint64(k)
		if q.flushWaiters > 0 {
			q.progress.Broadcast()
		}
	}
}

// deliver hands one record to its target; a failure or a panic of the target is counted and
// reported and never stops the listener.
func (q *core) deliver(it *item) {
	defer func() {
		if p := recover(); p != nil {
			q.rep.Error(fmt.Errorf("queue: target panicked: %v", p))
		}
	}()
	ctx := it.ctx
	if ctx.Done() != nil {
		// The producer's context may be cancelled by now (a finished request); the target
		// gets its values, not its cancellation.
		ctx = context.WithoutCancel(ctx)
	}
	if err := it.h.Handle(ctx, it.r); err != nil {
		q.rep.Error(fmt.Errorf("queue: target: %w", err))
		return
	}
	q.handled.Add(1)
}

// WithAttrs returns a handler on the same queue whose records reach target.WithAttrs(as);
// the derived target is computed here, once.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	return &Handler{q: h.q, target: h.target.WithAttrs(as)}
}

// WithGroup returns a handler on the same queue whose records reach target.WithGroup(name).
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &Handler{q: h.q, target: h.target.WithGroup(name)}
}

// Flush waits until every record accepted before the call has left the queue: handed to the
// target (whatever the target returned) or, under DropOldest, evicted. Then it flushes the
// target given to New if it buffers (a network handler behind the queue waits for delivery).
// It returns ctx's error if ctx ends first. Records accepted during Flush are not waited for,
// so Flush returns even under a constant stream of records.
func (h *Handler) Flush(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := h.drain(ctx); err != nil {
		return err
	}
	return slogx.Flush(ctx, h.q.root)
}

// drain waits until every record accepted before the call has left the queue.
func (h *Handler) drain(ctx context.Context) error {
	q := h.q
	q.mu.Lock()
	defer q.mu.Unlock()
	want := q.accepted
	if q.finished >= want {
		return nil
	}
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() {
			q.mu.Lock()
			q.progress.Broadcast()
			q.mu.Unlock()
		})
		defer stop()
	}
	for q.finished < want {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("queue: flush: %w", err)
		}
		q.flushWaiters++
		q.progress.Wait()
		q.flushWaiters--
	}
	return nil
}

// Close stops accepting records, waits until the listener has handed every accepted record to
// the target, stops the listener, reports drops not reported yet, and closes the target given
// to New if it is an io.Closer, returning that error. Close is idempotent and closes the queue
// shared with derived handlers; later calls to Handle return an error wrapping
// slogx.ErrClosed. Close waits for the target: a target that never returns blocks it.
func (h *Handler) Close() error {
	q := h.q
	q.closeOnce.Do(func() {
		q.mu.Lock()
		q.closed = true
		if q.idle {
			q.idle = false
			q.ready.Signal()
		}
		q.space.Broadcast()
		q.mu.Unlock()
		<-q.done
		if err := slogx.Close(q.root); err != nil {
			q.closeErr = fmt.Errorf("queue: close target: %w", err)
		}
	})
	return q.closeErr
}

// Stats returns the queue's counters: Records handed to the target without error, Errors of
// the target (returned errors and panics), Dropped records (overflow, context done, closed).
// Bytes is always zero: the queue does not encode.
func (h *Handler) Stats() slogx.Stats {
	q := h.q
	return slogx.Stats{
		Records: q.handled.Load(),
		Errors:  q.rep.Errors(),
		Dropped: q.dropped.Load(),
	}
}

// Len returns the number of records waiting in the queue (not counting the batch the listener
// is handing to the target).
func (h *Handler) Len() int {
	q := h.q
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}
