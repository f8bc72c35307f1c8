package netsink

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// batchRecorder is a send func that records batches; when gate is set, each send waits for it.
type batchRecorder struct {
	mu      sync.Mutex
	batches [][]int
	gate    chan struct{}
	started chan struct{}
	dropped atomic.Int64
}

func (r *batchRecorder) send(ctx context.Context, b []int) {
	if r.gate != nil {
		r.started <- struct{}{}
		select {
		case <-r.gate:
		case <-ctx.Done():
			return
		}
	}
	r.mu.Lock()
	r.batches = append(r.batches, append([]int(nil), b...))
	r.mu.Unlock()
}

func (r *batchRecorder) drop(n int, _ error) { r.dropped.Add(int64(n)) }

func (r *batchRecorder) all() (flat []int, sizes []int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.batches {
		flat = append(flat, b...)
		sizes = append(sizes, len(b))
	}
	return flat, sizes
}

func TestBatchOrderSizeAndClose(t *testing.T) {
	smtpNoLeak(t)
	r := &batchRecorder{}
	b := newBatcher(100, 4, time.Hour, r.send, r.drop)
	for i := range 10 {
		if err := b.add(i); err != nil {
			t.Fatal(err)
		}
	}
	b.close(10 * time.Second)
	flat, sizes := r.all()
	if httpFmtInts(flat) != "[0 1 2 3 4 5 6 7 8 9]" || httpFmtInts(sizes) != "[4 4 2]" {
		t.Errorf("sent %v in batches %v", flat, sizes)
	}
	if err := b.add(10); !errors.Is(err, errBatchClosed) {
		t.Errorf("add after close: %v", err)
	}
	if err := b.flush(context.Background()); !errors.Is(err, errBatchClosed) {
		t.Errorf("flush after close: %v", err)
	}
	b.close(time.Second) // idempotent
}

func TestBatchFlushSendsPartialBatch(t *testing.T) {
	smtpNoLeak(t)
	r := &batchRecorder{}
	b := newBatcher(100, 50, time.Hour, r.send, r.drop)
	defer b.close(time.Second)
	_ = b.add(1)
	_ = b.add(2)
	if err := b.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if flat, sizes := r.all(); httpFmtInts(flat) != "[1 2]" || len(sizes) != 1 {
		t.Errorf("after flush: %v %v", flat, sizes)
	}
}

func TestBatchCloseTimeoutDrops(t *testing.T) {
	smtpNoLeak(t)
	r := &batchRecorder{gate: make(chan struct{}), started: make(chan struct{}, 10)}
	b := newBatcher(100, 1, 0, r.send, r.drop)
	_ = b.add(1)
	<-r.started // the worker is stuck in send(1)
	_ = b.add(2)
	_ = b.add(3)
	b.close(time.Millisecond) // gives up: cancels send(1), drops 2 and 3
	if n := r.dropped.Load(); n != 2 {
		t.Errorf("dropped %d, want 2", n)
	}
	if flat, _ := r.all(); len(flat) != 0 {
		t.Errorf("sent %v", flat)
	}
}

func TestBatchQueueFull(t *testing.T) {
	smtpNoLeak(t)
	r := &batchRecorder{gate: make(chan struct{}), started: make(chan struct{}, 10)}
	b := newBatcher(2, 1, 0, r.send, r.drop)
	_ = b.add(1)
	<-r.started
	if err := b.add(2); err != nil {
		t.Fatal(err)
	}
	if err := b.add(3); err != nil {
		t.Fatal(err)
	}
	if err := b.add(4); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("want ErrQueueFull, got %v", err)
	}
	close(r.gate)
	b.close(10 * time.Second)
	if flat, _ := r.all(); httpFmtInts(flat) != "[1 2 3]" {
		t.Errorf("sent %v", flat)
	}
}

// TestBatchConcurrentAccounting: whatever the interleaving, every value added is sent exactly
// once, and every value refused got an error.
func TestBatchConcurrentAccounting(t *testing.T) {
	smtpNoLeak(t)
	r := &batchRecorder{}
	b := newBatcher(64, 7, 0, r.send, r.drop)
	var accepted atomic.Int64
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				if b.add(g*10000+i) == nil {
					accepted.Add(1)
				}
				if i%500 == 0 {
					_ = b.flush(context.Background())
				}
			}
		}()
	}
	wg.Wait()
	b.close(10 * time.Second)
	flat, sizes := r.all()
	if int64(len(flat)) != accepted.Load() {
		t.Errorf("sent %d, accepted %d", len(flat), accepted.Load())
	}
	seen := map[int]bool{}
	last := map[int]int{} // per producer: queue order is send order
	for _, v := range flat {
		if seen[v] {
			t.Fatalf("%d sent twice", v)
		}
		seen[v] = true
		if p, ok := last[v/10000]; ok && v < p {
			t.Fatalf("%d sent after %d", v, p)
		}
		last[v/10000] = v
	}
	for _, s := range sizes {
		if s < 1 || s > 7 {
			t.Fatalf("batch of %d", s)
		}
	}
}
