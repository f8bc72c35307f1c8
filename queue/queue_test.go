package queue_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"
	"time"

	"go.uber.org/goleak"

	"github.com/slogx/handlers/queue"
	"github.com/slogx/handlers/slogx"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// recorder is a target that keeps the messages it handled. A record whose message is "block"
// makes Handle announce itself on entered and wait for release, so tests can hold the
// listener and fill the queue deterministically.
type recorder struct {
	mu       sync.Mutex
	msgs     []string
	attrs    [][]slog.Attr
	entered  chan struct{}
	release  chan struct{}
	fail     string // a record with this message returns an error
	panicMsg string // a record with this message panics
	closed   int
	withs    int
	level    slog.Level
}

func newRecorder() *recorder {
	return &recorder{entered: make(chan struct{}), release: make(chan struct{}), level: slog.LevelDebug}
}

func (t *recorder) Enabled(_ context.Context, l slog.Level) bool { return l >= t.level }

func (t *recorder) Handle(_ context.Context, r slog.Record) error {
	switch r.Message {
	case "block", "block2":
		t.entered <- struct{}{}
		<-t.release
		return nil
	case t.fail:
		return errors.New("target failed")
	case t.panicMsg:
		panic("target exploded")
	}
	var as []slog.Attr
	r.Attrs(func(a slog.Attr) bool { as = append(as, a); return true })
	t.mu.Lock()
	t.msgs = append(t.msgs, r.Message)
	t.attrs = append(t.attrs, as)
	t.mu.Unlock()
	return nil
}

func (t *recorder) WithAttrs(as []slog.Attr) slog.Handler {
	t.mu.Lock()
	t.withs++
	t.mu.Unlock()
	return &derived{t: t, as: as}
}

func (t *recorder) WithGroup(string) slog.Handler { return t }

func (t *recorder) Close() error {
	t.mu.Lock()
	t.closed++
	t.mu.Unlock()
	return nil
}

func (t *recorder) messages() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.msgs...)
}

// derived is recorder.WithAttrs: it records the precomputed attrs ahead of the record's.
type derived struct {
	t  *recorder
	as []slog.Attr
}

func (d *derived) Enabled(ctx context.Context, l slog.Level) bool { return d.t.Enabled(ctx, l) }
func (d *derived) Handle(ctx context.Context, r slog.Record) error {
	r = r.Clone()
	r.AddAttrs(d.as...)
	return d.t.Handle(ctx, r)
}
func (d *derived) WithAttrs([]slog.Attr) slog.Handler { panic("not used") }
func (d *derived) WithGroup(string) slog.Handler      { panic("not used") }

func record(msg string) slog.Record {
	return slog.NewRecord(time.Time{}, slog.LevelInfo, msg, 0)
}

// hold makes the listener take a "block" record and wait in the target, so that the queue
// can be filled to capacity without the listener draining it.
func hold(t *testing.T, h *queue.Handler, target *recorder) {
	t.Helper()
	if err := h.Handle(context.Background(), record("block")); err != nil {
		t.Fatal(err)
	}
	<-target.entered
}

func TestSlogtest(t *testing.T) {
	var bufs sync.Map // *testing.T -> *bytes.Buffer
	var hs sync.Map   // *testing.T -> *queue.Handler
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		buf := new(bytes.Buffer)
		h := queue.New(slogx.NewHandler(buf, nil), queue.Options{Capacity: 8})
		t.Cleanup(func() {
			if err := h.Close(); err != nil {
				t.Error(err)
			}
		})
		bufs.Store(t, buf)
		hs.Store(t, h)
		return h
	}, func(t *testing.T) map[string]any {
		h, _ := hs.Load(t)
		if err := h.(*queue.Handler).Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		b, _ := bufs.Load(t)
		lines := parseLines(t, b.(*bytes.Buffer).Bytes())
		if len(lines) != 1 {
			t.Fatalf("want 1 record, got %d", len(lines))
		}
		return lines[0]
	})
}

func parseLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var ms []map[string]any
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() {
		var m map[string]any
		if err := json.Unmarshal(s.Bytes(), &m); err != nil {
			t.Fatalf("%q: %v", s.Bytes(), err)
		}
		ms = append(ms, m)
	}
	return ms
}

// counting checks per-producer order from the single listener goroutine; it needs no lock
// because Close waits for the listener before the test reads it.
type counting struct {
	next []int
	bad  int
	n    int
}

func (c *counting) Enabled(context.Context, slog.Level) bool { return true }
func (c *counting) Handle(_ context.Context, r slog.Record) error {
	var p, seq int
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "p":
			p = int(a.Value.Int64())
		case "seq":
			seq = int(a.Value.Int64())
		}
		return true
	})
	if seq != c.next[p] {
		c.bad++
	}
	c.next[p] = seq + 1
	c.n++
	return nil
}
func (c *counting) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *counting) WithGroup(string) slog.Handler      { return c }

// TestOrderAndNoLoss is the contract test: 8 producers x 100k records (10k with -short), every
// record reaches the target once, in each producer's order, and Close loses nothing accepted.
func TestOrderAndNoLoss(t *testing.T) {
	const producers = 8
	for _, tc := range []struct{ cap, per int }{
		{1024, 100_000}, // the real size
		{16, 10_000},    // a small ring: producers block on almost every record
	} {
		cap, per := tc.cap, tc.per
		if testing.Short() {
			per /= 10
		}
		t.Run(fmt.Sprint("capacity=", cap), func(t *testing.T) {
			target := &counting{next: make([]int, producers)}
			h := queue.New(target, queue.Options{Capacity: cap})
			var wg sync.WaitGroup
			errs := make(chan error, producers)
			for p := range producers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ctx := context.Background()
					for i := range per {
						r := slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0)
						r.AddAttrs(slog.Int("p", p), slog.Int("seq", i))
						if err := h.Handle(ctx, r); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			if target.n != producers*per || target.bad != 0 {
				t.Fatalf("target got %d records (want %d), %d out of order", target.n, producers*per, target.bad)
			}
			for p, n := range target.next {
				if n != per {
					t.Errorf("producer %d: last seq %d, want %d", p, n-1, per-1)
				}
			}
			if s := h.Stats(); s.Records != uint64(producers*per) || s.Dropped != 0 || s.Errors != 0 {
				t.Fatalf("stats %+v", s)
			}
		})
	}
}

func TestDropNewest(t *testing.T) {
	target := newRecorder()
	var reports []error
	h := queue.New(target, queue.Options{Capacity: 3, Overflow: queue.DropNewest,
		OnError: func(err error) { reports = append(reports, err) }})
	hold(t, h, target)
	for _, m := range []string{"a", "b", "c"} {
		if err := h.Handle(context.Background(), record(m)); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Handle(context.Background(), record("d")); !errors.Is(err, queue.ErrFull) {
		t.Fatalf("4th record: %v, want ErrFull", err)
	}
	if h.Len() != 3 {
		t.Fatalf("Len %d", h.Len())
	}
	close(target.release)
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(target.messages(), ","); got != "a,b,c" {
		t.Fatalf("target got %s", got)
	}
	if s := h.Stats(); s.Dropped != 1 || s.Records != 4 {
		t.Fatalf("stats %+v", s)
	}
	if len(reports) != 1 || !errors.Is(reports[0], queue.ErrFull) || !strings.Contains(reports[0].Error(), "dropped 1 records") {
		t.Fatalf("reports %v", reports)
	}
}

func TestDropOldest(t *testing.T) {
	target := newRecorder()
	h := queue.New(target, queue.Options{Capacity: 3, Overflow: queue.DropOldest, OnError: func(error) {}})
	hold(t, h, target)
	for _, m := range []string{"a", "b", "c", "d", "e"} {
		if err := h.Handle(context.Background(), record(m)); err != nil {
			t.Fatal(err)
		}
	}
	// Flush waits for evicted records too: it must not wait for "a" and "b" forever.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.Flush(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Flush with a held target: %v", err)
	}
	close(target.release)
	if err := h.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(target.messages(), ","); got != "c,d,e" {
		t.Fatalf("target got %s", got)
	}
	if s := h.Stats(); s.Dropped != 2 || s.Records != 4 {
		t.Fatalf("stats %+v", s)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestDropOldestWhileBatchInFlight: evictions while the listener is handing a batch to the
// target must neither touch that batch nor lose the order of the rest.
func TestDropOldestWhileBatchInFlight(t *testing.T) {
	target := newRecorder()
	h := queue.New(target, queue.Options{Capacity: 3, Overflow: queue.DropOldest, OnError: func(error) {}})
	hold(t, h, target)
	for _, m := range []string{"x1", "x2", "block2"} {
		if err := h.Handle(context.Background(), record(m)); err != nil {
			t.Fatal(err)
		}
	}
	target.release <- struct{}{} // the listener takes x1, x2, block2 as one batch
	<-target.entered             // and waits in block2
	for i := range 20 {
		if err := h.Handle(context.Background(), record(fmt.Sprint("r", i))); err != nil {
			t.Fatal(err)
		}
	}
	close(target.release)
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(target.messages(), ","); got != "x1,x2,r17,r18,r19" {
		t.Fatalf("target got %s", got)
	}
	if s := h.Stats(); s.Dropped != 17 || s.Records != 7 || s.Errors != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestBlockWaitsForRoom(t *testing.T) {
	target := newRecorder()
	h := queue.New(target, queue.Options{Capacity: 1, OnError: func(error) {}})
	hold(t, h, target)
	if err := h.Handle(context.Background(), record("a")); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- h.Handle(context.Background(), record("b")) }()
	// Whether or not "b" is already waiting, it can only be accepted once the target lets
	// the listener go on.
	close(target.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(target.messages(), ","); got != "a,b" {
		t.Fatalf("target got %s", got)
	}
}

func TestBlockContextDone(t *testing.T) {
	target := newRecorder()
	var reports []error
	var mu sync.Mutex
	h := queue.New(target, queue.Options{Capacity: 1, OnError: func(err error) {
		mu.Lock()
		reports = append(reports, err)
		mu.Unlock()
	}})
	hold(t, h, target)
	if err := h.Handle(context.Background(), record("a")); err != nil {
		t.Fatal(err)
	}
	// Already done: refused at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.Handle(ctx, record("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	// Done while waiting (or before: the queue stays full either way).
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- h.Handle(ctx, record("y")) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	close(target.release)
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(target.messages(), ","); got != "a" {
		t.Fatalf("target got %s", got)
	}
	if s := h.Stats(); s.Dropped != 2 {
		t.Fatalf("stats %+v", s)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reports) == 0 || !errors.Is(reports[len(reports)-1], context.Canceled) {
		t.Fatalf("reports %v", reports)
	}
}

func TestCloseReleasesBlockedProducers(t *testing.T) {
	target := newRecorder()
	h := queue.New(target, queue.Options{Capacity: 1, OnError: func(error) {}})
	hold(t, h, target)
	if err := h.Handle(context.Background(), record("a")); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- h.Handle(context.Background(), record("b")) }()
	closed := make(chan error)
	go func() { closed <- h.Close() }()
	// "b" was either accepted before Close (and must be handled) or refused with ErrClosed.
	close(target.release)
	errB := <-done
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	got := strings.Join(target.messages(), ",")
	switch {
	case errB == nil && got == "a,b":
	case errors.Is(errB, slogx.ErrClosed) && got == "a":
	default:
		t.Fatalf("b: %v, target got %s", errB, got)
	}
}

func TestClose(t *testing.T) {
	target := newRecorder()
	h := queue.New(target, queue.Options{OnError: func(error) {}})
	l := slog.New(h).With("k", "v")
	l.Info("one")
	l.Info("two")
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if target.closed != 1 {
		t.Fatalf("target closed %d times", target.closed)
	}
	if got := strings.Join(target.messages(), ","); got != "one,two" {
		t.Fatalf("target got %s", got)
	}
	err := l.Handler().Handle(context.Background(), record("late"))
	if !errors.Is(err, slogx.ErrClosed) {
		t.Fatalf("Handle after Close: %v", err)
	}
	if err := h.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := h.Stats(); s.Dropped != 1 || s.Records != 2 {
		t.Fatalf("stats %+v", s)
	}
}

type failingCloser struct{ *recorder }

func (failingCloser) Close() error { return errors.New("disk gone") }

func TestCloseError(t *testing.T) {
	h := queue.New(failingCloser{newRecorder()}, queue.Options{})
	if err := h.Close(); err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Fatalf("got %v", err)
	}
}

func TestTargetErrorsAndPanics(t *testing.T) {
	target := newRecorder()
	target.fail = "bad"
	target.panicMsg = "boom"
	var mu sync.Mutex
	var reports []string
	h := queue.New(target, queue.Options{OnError: func(err error) {
		mu.Lock()
		reports = append(reports, err.Error())
		mu.Unlock()
	}})
	for _, m := range []string{"a", "bad", "b", "boom", "c"} {
		if err := h.Handle(context.Background(), record(m)); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(target.messages(), ","); got != "a,b,c" {
		t.Fatalf("target got %s", got)
	}
	if s := h.Stats(); s.Errors != 2 || s.Records != 3 {
		t.Fatalf("stats %+v", s)
	}
	want := []string{"queue: target: target failed", "queue: target panicked: target exploded"}
	if strings.Join(reports, "|") != strings.Join(want, "|") {
		t.Fatalf("reports %q", reports)
	}
}

func TestDropReportsAreRateLimited(t *testing.T) {
	target := newRecorder()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var reports []string
	h := queue.New(target, queue.Options{Capacity: 1, Overflow: queue.DropNewest,
		ReportInterval: time.Second,
		Now:            func() time.Time { return now },
		OnError:        func(err error) { reports = append(reports, err.Error()) }})
	hold(t, h, target)
	if err := h.Handle(context.Background(), record("a")); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if err := h.Handle(context.Background(), record("x")); !errors.Is(err, queue.ErrFull) {
			t.Fatal(err)
		}
	}
	if len(reports) != 1 {
		t.Fatalf("reports in one interval: %q", reports)
	}
	now = now.Add(time.Second)
	h.Handle(context.Background(), record("x"))
	h.Handle(context.Background(), record("x"))
	close(target.release)
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"queue: dropped 1 records, the last one because: slogx: buffer full",
		"queue: dropped 10 records, the last one because: slogx: buffer full",
		"queue: dropped 1 records, the last one because: slogx: buffer full", // by Close
	}
	if strings.Join(reports, "|") != strings.Join(want, "|") {
		t.Fatalf("reports %q", reports)
	}
	if s := h.Stats(); s.Dropped != 12 {
		t.Fatalf("stats %+v", s)
	}
}

func TestWithAttrsDerivesOnce(t *testing.T) {
	target := newRecorder()
	h := queue.New(target, queue.Options{})
	l := slog.New(h).With("req", 7)
	for i := range 100 {
		l.Info("m", "i", i)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if target.withs != 1 {
		t.Fatalf("target.WithAttrs called %d times", target.withs)
	}
	if len(target.attrs) != 100 || target.attrs[99][1].String() != "req=7" {
		t.Fatalf("attrs %v", target.attrs)
	}
}

func TestEnabledAsksTarget(t *testing.T) {
	target := newRecorder()
	target.level = slog.LevelWarn
	h := queue.New(target, queue.Options{})
	defer h.Close()
	if h.Enabled(context.Background(), slog.LevelInfo) || !h.Enabled(context.Background(), slog.LevelError) {
		t.Fatal("Enabled does not follow the target")
	}
}

// appender adds an attribute to the record it gets, without cloning (as a handler may), then
// waits for the test before reading the record back.
type appender struct {
	entered, release chan struct{}
	got              []slog.Attr
}

func (a *appender) Enabled(context.Context, slog.Level) bool { return true }
func (a *appender) Handle(_ context.Context, r slog.Record) error {
	r.AddAttrs(slog.String("t", "target"))
	a.entered <- struct{}{}
	<-a.release
	r.Attrs(func(x slog.Attr) bool { a.got = append(a.got, x); return true })
	return nil
}
func (a *appender) WithAttrs([]slog.Attr) slog.Handler { return a }
func (a *appender) WithGroup(string) slog.Handler      { return a }

// TestCallerReusesRecord: the queued record must not share spare capacity with the caller's,
// or the target's appends and the caller's later appends would overwrite each other.
func TestCallerReusesRecord(t *testing.T) {
	target := &appender{entered: make(chan struct{}), release: make(chan struct{})}
	h := queue.New(target, queue.Options{})
	r := record("r")
	for i := range 8 { // more than slog's 5 inline attrs, so the rest live in a slice
		r.AddAttrs(slog.Int(fmt.Sprint("a", i), i))
	}
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	<-target.entered
	r.AddAttrs(slog.String("late", "caller"))
	close(target.release)
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if len(target.got) != 9 || target.got[8].String() != "t=target" {
		t.Fatalf("target saw %v", target.got)
	}
}

func TestFlushAndNilTarget(t *testing.T) {
	h := queue.New(nil, queue.Options{})
	if h.Enabled(context.Background(), slog.LevelError) {
		t.Fatal("nil target enabled")
	}
	if err := h.Handle(context.Background(), record("x")); err != nil {
		t.Fatal(err)
	}
	if err := h.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOverflowString(t *testing.T) {
	for o, want := range map[queue.Overflow]string{queue.Block: "block", queue.DropNewest: "drop-newest",
		queue.DropOldest: "drop-oldest", 9: "Overflow(9)"} {
		if o.String() != want {
			t.Errorf("%d: %s", int(o), o)
		}
	}
}
