package deliver

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
	"go.uber.org/goleak"
)

// peer is an in-memory peer for the engine's state machine: it keeps every record it was
// sent, in order, and lets a test decide what each connect and send does. (The real peers —
// a Server, a syslog daemon — are exercised through the handlers in package netsink.)
type peer struct {
	mu      sync.Mutex
	got     []uint64 // the 8-byte record numbers received, in order
	conns   int
	changed chan struct{}

	acks    bool                          // connections are Ackers
	dial    func(n int) error             // nil: every connect succeeds; n counts attempts from 1
	onSend  func(c *conn, b *Batch) error // nil: accept
	attempt int
}

func newPeer() *peer { return &peer{changed: make(chan struct{})} }

func (p *peer) Connect(ctx context.Context) (Conn, error) {
	p.mu.Lock()
	p.attempt++
	n := p.attempt
	p.bump()
	p.mu.Unlock()
	if p.dial != nil {
		if err := p.dial(n); err != nil {
			return nil, err
		}
	}
	p.mu.Lock()
	p.conns++
	p.mu.Unlock()
	c := &conn{p: p, acks: make(chan uint64, 1024), closed: make(chan struct{})}
	if p.acks {
		return &ackConn{c}, nil
	}
	return c, nil
}

// waitFor blocks until ok holds for the peer's state (or fails the test after 10 s).
func (p *peer) waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		p.mu.Lock()
		ch := p.changed
		done := ok()
		p.mu.Unlock()
		if done {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatal("peer: condition not met in 10 s")
		}
	}
}

// records returns what the peer received so far.
func (p *peer) records() []uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.got)
}

// waitEngine blocks until ok, called with the engine's lock held, holds.
func waitEngine(t *testing.T, e *Engine, ok func() bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		e.mu.Lock()
		ch, done := e.changed, ok()
		e.mu.Unlock()
		if done {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatal("engine: condition not met in 10 s")
		}
	}
}

func (p *peer) bump() { close(p.changed); p.changed = make(chan struct{}) }

type conn struct {
	p      *peer
	acks   chan uint64
	closed chan struct{}
	once   sync.Once
}

func (c *conn) Send(ctx context.Context, b *Batch) error {
	if c.p.onSend != nil {
		if err := c.p.onSend(c, b); err != nil {
			return err
		}
	}
	c.p.mu.Lock()
	for _, r := range b.Records {
		c.p.got = append(c.p.got, binary.BigEndian.Uint64(r))
	}
	c.p.bump()
	c.p.mu.Unlock()
	return nil
}

func (c *conn) Close() error { c.once.Do(func() { close(c.closed) }); return nil }

type ackConn struct{ *conn }

func (c *ackConn) ReadAcks(ack func(uint64)) error {
	for {
		select {
		case seq := <-c.acks:
			ack(seq)
		case <-c.closed:
			return nil
		}
	}
}

func rec(i uint64) []byte { return binary.BigEndian.AppendUint64(nil, i) }

var fast = Backoff{Initial: time.Millisecond, Max: 2 * time.Millisecond}

type reports struct {
	mu   sync.Mutex
	errs []error
}

func (r *reports) add(err error) { r.mu.Lock(); r.errs = append(r.errs, err); r.mu.Unlock() }
func (r *reports) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprint(r.errs)
}

func newEngine(t *testing.T, p *peer, o Options) (*Engine, *slogx.Reporter, *reports) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
	rs := &reports{}
	rep := slogx.NewReporter(rs.add)
	if o.Name == "" {
		o.Name = "test"
	}
	e := New(p, rep, o)
	t.Cleanup(func() { e.Close() })
	return e, rep, rs
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func seqs(from, to uint64) []uint64 {
	var s []uint64
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

func TestDeliversInOrder(t *testing.T) {
	p := newPeer()
	e, rep, _ := newEngine(t, p, Options{})
	for i := range uint64(1000) {
		if _, err := e.Write(rec(i + 1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := p.records(); !slices.Equal(got, seqs(1, 1000)) {
		t.Fatalf("got %v", got)
	}
	if r, b := e.Delivered(); r != 1000 || b != 8000 || rep.Errors() != 0 || rep.Dropped() != 0 || e.Pending() != 0 {
		t.Fatalf("delivered %d/%d, errors %d, dropped %d", r, b, rep.Errors(), rep.Dropped())
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Write(rec(1)); !errors.Is(err, slogx.ErrClosed) || !errors.Is(err, slogx.ErrDropped) {
		t.Fatalf("Write after Close: %v", err)
	}
}

// Stamp sees every record with its sequence number before the transport does.
func TestStamp(t *testing.T) {
	p := newPeer()
	e, _, _ := newEngine(t, p, Options{Stamp: func(r []byte, seq uint64) { binary.BigEndian.PutUint64(r, seq*10) }})
	for range 5 {
		e.Write(make([]byte, 8))
	}
	if err := e.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if want := []uint64{10, 20, 30, 40, 50}; !slices.Equal(p.records(), want) {
		t.Fatalf("got %v, want %v", p.records(), want)
	}
}

// A transport without acks: a failed send breaks the connection, is counted, and the batch is
// sent again, whole and in order, on the next connection.
func TestSendFailureReplays(t *testing.T) {
	p := newPeer()
	failed := false
	p.onSend = func(c *conn, b *Batch) error {
		if !failed && b.First <= 3 && b.Last() >= 3 {
			failed = true
			return errors.New("broken pipe")
		}
		return nil
	}
	e, rep, rs := newEngine(t, p, Options{Backoff: fast, MaxRetries: -1, MaxBatchRecords: 2})
	for i := range uint64(6) {
		e.Write(rec(i + 1))
	}
	if err := e.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.records(), seqs(1, 6)) || p.conns != 2 {
		t.Fatalf("got %v over %d connections", p.records(), p.conns)
	}
	if r, _ := e.Delivered(); r != 6 || rep.Errors() != 1 || rep.Dropped() != 0 {
		t.Fatalf("delivered %d, errors %d (%s), dropped %d", r, rep.Errors(), rs, rep.Dropped())
	}
}

// With acks, records count as delivered only when acknowledged, and everything unacknowledged
// is replayed after a reconnect.
func TestAckReplay(t *testing.T) {
	p := newPeer()
	p.acks = true
	var first *conn // guarded by p.mu
	p.onSend = func(c *conn, b *Batch) error {
		p.mu.Lock()
		if first == nil {
			first = c
		}
		second := c != first
		p.mu.Unlock()
		if second {
			c.acks <- b.Last() // the second connection acknowledges
		}
		return nil
	}
	e, rep, _ := newEngine(t, p, Options{Backoff: fast})
	for i := range uint64(3) {
		e.Write(rec(i + 1))
	}
	p.waitFor(t, func() bool { return len(p.got) == 3 })
	if r, _ := e.Delivered(); r != 0 || e.Pending() != 3 {
		t.Fatalf("unacknowledged records counted: %d delivered, %d pending", r, e.Pending())
	}
	p.mu.Lock()
	c1 := first
	p.mu.Unlock()
	c1.acks <- 1
	waitEngine(t, e, func() bool { return e.q.done == 1 })
	c1.Close() // the peer goes away with 2 and 3 unacknowledged
	if err := e.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	// The ack is sent before the peer stores the batch: wait for it to be stored.
	p.waitFor(t, func() bool { return len(p.got) == 5 })
	if want := []uint64{1, 2, 3, 2, 3}; !slices.Equal(p.records(), want) {
		t.Fatalf("got %v, want %v", p.records(), want)
	}
	if r, b := e.Delivered(); r != 3 || b != 24 || rep.Dropped() != 0 {
		t.Fatalf("delivered %d/%d, dropped %d", r, b, rep.Dropped())
	}
}

// The poison rule: a record on which PoisonAttempts connections in a row die unacknowledged
// is dropped, and the records behind it flow.
func TestPoisonRecordDropped(t *testing.T) {
	p := newPeer()
	p.acks = true
	p.onSend = func(c *conn, b *Batch) error {
		for _, r := range b.Records {
			if binary.BigEndian.Uint64(r) == 2 {
				c.Close() // the peer refuses record 2 by hanging up
				return nil
			}
		}
		c.acks <- b.Last()
		return nil
	}
	e, rep, rs := newEngine(t, p, Options{Backoff: fast})
	e.Write(rec(1))
	if err := e.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	e.Write(rec(2))
	e.Write(rec(3))
	if err := e.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if r, _ := e.Delivered(); r != 2 || rep.Dropped() != 1 {
		t.Fatalf("delivered %d, dropped %d (%s)", r, rep.Dropped(), rs)
	}
	p.waitFor(t, func() bool { return len(p.got) > 0 && p.got[len(p.got)-1] == 3 }) // acked before stored
	if got := p.records(); got[len(got)-1] != 3 {
		t.Fatalf("record 3 never arrived: %v", got)
	}
}

func TestOverflow(t *testing.T) {
	gate := make(chan struct{})
	block := func(p *peer) {
		p.onSend = func(c *conn, b *Batch) error { <-gate; return nil }
	}
	t.Run("drop newest", func(t *testing.T) {
		p := newPeer()
		p.acks = true // nothing is ever acknowledged: the buffer stays full
		e, rep, _ := newEngine(t, p, Options{Buffer: 32, Overflow: slogx.DropNewest, CloseTimeout: time.Millisecond})
		for i := range uint64(4) {
			if _, err := e.Write(rec(i + 1)); err != nil {
				t.Fatal(err)
			}
		}
		_, err := e.Write(rec(5))
		if !errors.Is(err, slogx.ErrBufferFull) || !errors.Is(err, slogx.ErrDropped) {
			t.Fatalf("err = %v", err)
		}
		if rep.Dropped() != 0 {
			t.Fatal("the caller (slogx.Handler) counts a refused Write, not the engine")
		}
		if _, err := e.Write(make([]byte, 33)); !errors.Is(err, slogx.ErrBufferFull) {
			t.Fatalf("a record larger than the buffer: %v", err)
		}
	})
	t.Run("drop oldest", func(t *testing.T) {
		p := newPeer()
		p.dial = func(int) error { return errors.New("down") }
		e, rep, rs := newEngine(t, p, Options{Buffer: 32, Overflow: slogx.DropOldest, Backoff: Backoff{Initial: time.Hour}, CloseTimeout: time.Millisecond})
		for i := range uint64(6) {
			if _, err := e.Write(rec(i + 1)); err != nil {
				t.Fatal(err)
			}
		}
		if rep.Dropped() != 2 || e.Pending() != 4 {
			t.Fatalf("dropped %d, pending %d (%s)", rep.Dropped(), e.Pending(), rs)
		}
	})
	t.Run("block", func(t *testing.T) {
		p := newPeer()
		block(p)
		e, _, _ := newEngine(t, p, Options{Buffer: 16, EnqueueTimeout: time.Hour})
		e.Write(rec(1))
		e.Write(rec(2))
		done := make(chan error, 1)
		go func() { _, err := e.Write(rec(3)); done <- err }()
		close(gate) // the peer takes records 1 and 2: room for 3
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if err := e.Flush(ctx(t)); err != nil {
			t.Fatal(err)
		}
		if got := p.records(); !slices.Equal(got, seqs(1, 3)) {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("block bounded", func(t *testing.T) {
		p := newPeer()
		p.acks = true
		e, _, _ := newEngine(t, p, Options{Buffer: 8, EnqueueTimeout: time.Millisecond, CloseTimeout: time.Millisecond})
		e.Write(rec(1))
		if _, err := e.Write(rec(2)); !errors.Is(err, slogx.ErrBufferFull) {
			t.Fatalf("err = %v", err)
		}
	})
}

// Request/response transports: a permanent error refuses the batch at once; transient errors
// are retried MaxRetries times, then the batch is refused. One Error per refused batch, and
// its records counted as Dropped.
func TestRetryLimit(t *testing.T) {
	p := newPeer()
	sends := 0
	p.onSend = func(c *conn, b *Batch) error {
		sends++
		switch binary.BigEndian.Uint64(b.Records[0]) {
		case 1:
			return Permanent(errors.New("400 bad request"))
		case 2:
			return errors.New("503 unavailable")
		}
		return nil
	}
	e, rep, rs := newEngine(t, p, Options{Backoff: fast, MaxRetries: 2, MaxBatchRecords: 1})
	for i := range uint64(3) {
		e.Write(rec(i + 1))
	}
	if err := e.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if r, _ := e.Delivered(); r != 1 || rep.Errors() != 2 || rep.Dropped() != 2 || sends != 1+3+1 {
		t.Fatalf("delivered %d, errors %d, dropped %d, sends %d: %s", r, rep.Errors(), rep.Dropped(), sends, rs)
	}
	if s := rs.String(); !strings.Contains(s, "400 bad request") || !strings.Contains(s, "gave up after 3 attempts") {
		t.Fatalf("reports: %s", s)
	}
}

// Close with a peer that never comes back: bounded, the loss counted and returned.
func TestCloseBounded(t *testing.T) {
	p := newPeer()
	p.dial = func(int) error { return errors.New("connection refused") }
	e, rep, _ := newEngine(t, p, Options{Backoff: fast, CloseTimeout: 10 * time.Millisecond})
	for i := range uint64(5) {
		e.Write(rec(i + 1))
	}
	err := e.Close()
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close: %v", err)
	}
	if rep.Dropped() != 5 || rep.Errors() == 0 || e.Pending() != 0 {
		t.Fatalf("dropped %d, errors %d", rep.Dropped(), rep.Errors())
	}
	if err := e.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := e.Flush(ctx(t)); err != nil {
		t.Fatalf("Flush after Close with nothing left: %v", err)
	}
}

// Close makes one connection attempt at once even when the backoff holds the next one far
// away, and delivers if the peer is back.
func TestCloseLastAttempt(t *testing.T) {
	p := newPeer()
	p.dial = func(n int) error {
		if n == 1 {
			return errors.New("down")
		}
		return nil
	}
	e, rep, _ := newEngine(t, p, Options{Backoff: Backoff{Initial: time.Hour}})
	e.Write(rec(1))
	p.waitFor(t, func() bool { return p.attempt == 1 })
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if r, _ := e.Delivered(); r != 1 || rep.Errors() != 1 {
		t.Fatalf("delivered %d, errors %d", r, rep.Errors())
	}
}

// Batches by size and by time: with an interval, records wait to fill a batch, and Flush
// sends at once.
func TestBatching(t *testing.T) {
	p := newPeer()
	var sizes []int
	p.onSend = func(c *conn, b *Batch) error { sizes = append(sizes, len(b.Records)); return nil }
	e, _, _ := newEngine(t, p, Options{BatchInterval: time.Hour, MaxBatchRecords: 4})
	for i := range uint64(10) {
		e.Write(rec(i + 1))
	}
	p.waitFor(t, func() bool { return len(p.got) == 8 }) // two full batches, without waiting the hour
	if err := e.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sizes, []int{4, 4, 2}) {
		t.Fatalf("batch sizes %v", sizes)
	}

}

func TestBatchInterval(t *testing.T) {
	p := newPeer()
	sizes := make(chan int, 10)
	p.onSend = func(c *conn, b *Batch) error { sizes <- len(b.Records); return nil }
	e, _, _ := newEngine(t, p, Options{BatchInterval: 20 * time.Millisecond})
	e.Write(rec(1))
	e.Write(rec(2))
	if n := <-sizes; n != 2 {
		t.Fatalf("the interval batch had %d records", n)
	}
}

// Write never waits on the transport: a Send stuck forever does not delay it.
func TestWriteDoesNotWaitForSend(t *testing.T) {
	p := newPeer()
	stuck := make(chan struct{})
	p.onSend = func(c *conn, b *Batch) error {
		select {
		case <-stuck:
		case <-c.closed:
		}
		return errors.New("closed")
	}
	e, _, _ := newEngine(t, p, Options{Buffer: 1 << 10, CloseTimeout: time.Millisecond})
	dropped := 0
	for i := range uint64(1000) {
		if _, err := e.Write(rec(i)); err != nil {
			dropped++
		}
	}
	if dropped != 1000-128 {
		t.Fatalf("dropped %d", dropped)
	}
	close(stuck)
	_ = e.Close()
}

// A Send error carrying RetryAfter holds the next attempt until the peer's wait has passed on
// the engine's clock, even when the backoff schedule would allow it sooner.
func TestRetryAfter(t *testing.T) {
	p := newPeer()
	var clock struct {
		sync.Mutex
		now   time.Time
		reads int
	}
	clock.now = time.Unix(1000, 0)
	now := func() time.Time {
		clock.Lock()
		defer clock.Unlock()
		clock.reads++
		return clock.now
	}
	reads := func() int { clock.Lock(); defer clock.Unlock(); return clock.reads }
	advance := func(d time.Duration) { clock.Lock(); clock.now = clock.now.Add(d); clock.Unlock() }
	var sends atomic.Int32
	var readsAtFailure atomic.Int32
	p.onSend = func(c *conn, b *Batch) error {
		// Only the sender goroutine calls onSend: the first call stores, then counts.
		if sends.Load() == 0 {
			readsAtFailure.Store(int32(reads()))
			sends.Add(1)
			return RetryAfter(errors.New("503 unavailable"), time.Minute)
		}
		sends.Add(1)
		return nil
	}
	e, rep, rs := newEngine(t, p, Options{Backoff: fast, MaxRetries: 3, Now: now})
	e.Write(rec(1))
	// Wait until the sender has read the clock after the refused send — that read starts the
	// peer's minute — so the clock is not moved before it (which would start the minute late).
	for deadline := time.Now().Add(10 * time.Second); sends.Load() == 0 || reads() <= int(readsAtFailure.Load()); runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatal("no refused send in 10 s")
		}
	}
	// Past the backoff (1 ms) but not the peer's minute: a Write wakes the sender, which
	// reads the clock and waits on.
	advance(30 * time.Second)
	before := reads()
	e.Write(rec(2))
	deadline := time.Now().Add(10 * time.Second)
	for reads() == before && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	p.mu.Lock()
	early := len(p.got)
	p.mu.Unlock()
	if early != 0 {
		t.Fatalf("sent %d records before Retry-After passed", early)
	}
	advance(31 * time.Second)
	e.Write(rec(3))
	p.waitFor(t, func() bool { return len(p.got) == 3 })
	if !slices.Equal(p.records(), seqs(1, 3)) || rep.Errors() != 0 {
		t.Fatalf("got %v, errors %d: %s", p.records(), rep.Errors(), rs)
	}
}
