package benchmarks

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/slogx/handlers/queue"
	"github.com/slogx/handlers/slogx"
)

// queueOverflows are the cases of BenchmarkQueue, one per overflow policy.
var queueOverflows = []queue.Overflow{queue.Block, queue.DropNewest, queue.DropOldest}

// newQueueTarget is the handler behind every queue: slogx's JSON handler on io.Discard, a
// cheap but real target (it encodes every record, about the cost of Handle/5attrs/slogx-json),
// so the queue's own cost is visible and the consumer is not idle.
func newQueueTarget() *slogx.Handler { return slogx.NewHandler(io.Discard, nil) }

// queueImpl is one implementation of a queue case: handle is what a producer calls per
// record; close stops every goroutine the impl started, after which stats are final; target
// is the handler the records reach.
type queueImpl struct {
	handle func(ctx context.Context, r slog.Record) error
	close  func() error
	stats  func() (dropped, errors uint64)
	target *slogx.Handler
}

// queueImplNames are the implementations of every queue case, baseline first:
//
//   - direct: the target called synchronously by the producer (no queue, nothing dropped);
//   - chan: a buffered channel of queue.DefaultCapacity cloned records and one consumer
//     goroutine calling the target, with the policy done the obvious way (blocking send, send
//     or drop, evict one and retry): the design a queue package has to beat;
//   - slogx: queue.New(target, queue.Options{Capacity: queue.DefaultCapacity, Overflow: o}).
var queueImplNames = []string{"direct", "chan", "slogx"}

// newQueueImpl returns implementation name of overflow policy o, on a new target.
func newQueueImpl(name string, o queue.Overflow) queueImpl {
	target := newQueueTarget()
	switch name {
	case "direct":
		return queueImpl{target.Handle, func() error { return nil }, func() (uint64, uint64) { return 0, 0 }, target}
	case "chan":
		cq := newChanQueue(target, queue.DefaultCapacity, o)
		return queueImpl{cq.handle, cq.close, func() (uint64, uint64) {
			return uint64(cq.dropped.Load()), uint64(cq.errors.Load())
		}, target}
	case "slogx":
		sq := queue.New(target, queue.Options{Capacity: queue.DefaultCapacity, Overflow: o, OnError: func(error) {}})
		return queueImpl{sq.Handle, sq.Close, func() (uint64, uint64) {
			s := sq.Stats()
			return s.Dropped, s.Errors
		}, target}
	}
	panic("no queue implementation " + name)
}

// BenchmarkQueue measures what a producer pays per record for each overflow policy.
//
// Names: BenchmarkQueue/<overflow>/{direct,chan,slogx} (see queueImplNames), overflow one of
// block, drop-newest, drop-oldest; direct is the baseline (built-in rule of cmd/benchtable).
// Producers run under b.RunParallel, so -cpu 1,2 gives one and two producers; the record is
// Handle/5attrs's. Under block, producers go at the consumer's pace, so ns/op is the
// consumer's throughput; under the drop policies they never wait and dropped/op says how many
// records the consumer could not keep up with. cpu-ns/op includes the consumer goroutine.
// delivered/op is the work done per op (records that reached the target), and
// cpu-ns/delivered the CPU time per record delivered, up to the end of the consumer's
// draining: the comparison of equal work when the policies drop different shares.
func BenchmarkQueue(b *testing.B) {
	r := cases[1].record()
	for _, o := range queueOverflows {
		b.Run(o.String(), func(b *testing.B) {
			for _, name := range queueImplNames {
				b.Run(name, func(b *testing.B) {
					im := newQueueImpl(name, o)
					defer im.close() // no goroutine left if the loop fails; closing twice is harmless
					ctx := context.Background()
					start, cpuOK := cpuTime()
					loop(b, true, func() error {
						if err := im.handle(ctx, r); err != nil && !errors.Is(err, queue.ErrFull) {
							return err
						}
						return nil
					})
					if err := im.close(); err != nil {
						b.Fatal(err)
					}
					end, cpuOK2 := cpuTime() // the consumer's draining at close included
					dropped, errs := im.stats()
					if errs != 0 || im.target.Stats().Errors != 0 {
						b.Fatalf("%d queue errors, %d target errors", errs, im.target.Stats().Errors)
					}
					// Equal work: the drop policies make each impl deliver a different share
					// of the records, so compare the CPU time per record delivered.
					delivered := im.target.Stats().Records
					b.ReportMetric(float64(delivered)/float64(b.N), "delivered/op")
					if cpuOK && cpuOK2 && delivered > 0 {
						b.ReportMetric(float64(end-start)/float64(delivered), "cpu-ns/delivered")
					}
					if o != queue.Block {
						b.ReportMetric(float64(dropped)/float64(b.N), "dropped/op")
					} else if dropped != 0 {
						b.Fatalf("%d records dropped under block", dropped)
					}
				})
			}
		})
	}
}

// chanQueue is the peer of queue.Handler: a buffered channel and one consumer goroutine, with
// no Flush, no derived handlers and no drop reports, only counters.
type chanQueue struct {
	ch       chan chanItem
	done     chan struct{}
	overflow queue.Overflow
	closed   atomic.Bool
	dropped  atomic.Int64
	errors   atomic.Int64
}

type chanItem struct {
	ctx context.Context
	r   slog.Record
}

func newChanQueue(target slog.Handler, capacity int, o queue.Overflow) *chanQueue {
	q := &chanQueue{ch: make(chan chanItem, capacity), done: make(chan struct{}), overflow: o}
	go func() {
		defer close(q.done)
		for it := range q.ch {
			if err := target.Handle(it.ctx, it.r); err != nil {
				q.errors.Add(1)
			}
		}
	}()
	return q
}

// handle queues a clone of r (as queue.Handler does, so the caller may reuse r) under the
// overflow policy. It must not be called after close.
func (q *chanQueue) handle(ctx context.Context, r slog.Record) error {
	it := chanItem{ctx, r.Clone()}
	switch q.overflow {
	case queue.DropNewest:
		select {
		case q.ch <- it:
		default:
			q.dropped.Add(1)
			return queue.ErrFull
		}
	case queue.DropOldest:
		for {
			select {
			case q.ch <- it:
				return nil
			default:
			}
			select {
			case <-q.ch:
				q.dropped.Add(1)
			default:
			}
		}
	default:
		select {
		case q.ch <- it:
		case <-ctx.Done():
			q.dropped.Add(1)
			return ctx.Err()
		}
	}
	return nil
}

// close stops accepting records and waits until the consumer has handled every queued one.
func (q *chanQueue) close() error {
	if q.closed.CompareAndSwap(false, true) {
		close(q.ch)
	}
	<-q.done
	return nil
}

// TestQueueImplsDeliver checks that the Queue implementations do the work they are benchmarked
// for: under every policy, what reaches the target plus what was dropped is what was handled,
// and under block nothing is dropped. Two producers run at once, as with -cpu 2.
func TestQueueImplsDeliver(t *testing.T) {
	const perProducer = 5000
	r := cases[1].record()
	ctx := context.Background()
	for _, o := range queueOverflows {
		t.Run(o.String(), func(t *testing.T) {
			for _, name := range queueImplNames {
				im := newQueueImpl(name, o)
				done := make(chan struct{})
				for range 2 {
					go func() {
						defer func() { done <- struct{}{} }()
						for range perProducer {
							if err := im.handle(ctx, r); err != nil && !errors.Is(err, queue.ErrFull) {
								t.Error(err)
								return
							}
						}
					}()
				}
				<-done
				<-done
				if err := im.close(); err != nil {
					t.Fatal(err)
				}
				dropped, errs := im.stats()
				got := im.target.Stats()
				if errs != 0 || got.Errors != 0 {
					t.Errorf("%s: %d errors, target %d", name, errs, got.Errors)
				}
				if got.Records+dropped != 2*perProducer {
					t.Errorf("%s: %d delivered + %d dropped, want %d handled", name, got.Records, dropped, 2*perProducer)
				}
				if (o == queue.Block || name == "direct") && dropped != 0 {
					t.Errorf("%s: %d dropped under %v", name, dropped, o)
				}
			}
		})
	}
}
