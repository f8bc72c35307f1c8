package slogx_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

func TestSampleSlogtest(t *testing.T) {
	var buf bytes.Buffer
	// Thereafter 1 keeps every record, so slogtest sees all it logged.
	h := slogx.Sample(slogx.NewHandler(&buf, nil), slogx.SampleOptions{Tick: time.Second, Thereafter: 1})
	if err := slogtest.TestHandler(h, func() []map[string]any { return testutil.ParseJSONLines(t, buf.Bytes()) }); err != nil {
		t.Fatal(err)
	}
	if d := h.Stats().Dropped; d != 0 {
		t.Fatalf("dropped %d with Thereafter 1", d)
	}
}

// sampleRun feeds (level, msg, offset) records to h and returns the messages and offsets that
// reached the target, one "msg@offset" per record.
func sampleRun(t *testing.T, o slogx.SampleOptions, recs []sampleRec) []string {
	t.Helper()
	target := newFanoutRecorder()
	h := slogx.Sample(target, o)
	var kept []string
	for _, r := range recs {
		before := len(target.got)
		if err := h.Handle(context.Background(), slog.NewRecord(fixedTime.Add(r.at), r.level, r.msg, 0)); err != nil {
			t.Fatal(err)
		}
		if len(target.got) > before {
			kept = append(kept, fmt.Sprintf("%s@%v", r.msg, r.at))
		}
	}
	return kept
}

type sampleRec struct {
	level slog.Level
	msg   string
	at    time.Duration
}

func TestSampleFirstThereafterWindow(t *testing.T) {
	var recs []sampleRec
	for i := range 10 {
		recs = append(recs, sampleRec{slog.LevelInfo, "a", time.Duration(i) * time.Millisecond})
	}
	// A new window starts with the first record at or past the end of the previous one.
	for i := range 4 {
		recs = append(recs, sampleRec{slog.LevelInfo, "a", time.Second + time.Duration(i)*time.Millisecond})
	}
	got := fmt.Sprint(sampleRun(t, slogx.SampleOptions{Tick: time.Second, First: 2, Thereafter: 3}, recs))
	want := "[a@0s a@1ms a@4ms a@7ms a@1s a@1.001s]"
	if got != want {
		t.Fatalf("kept %s, want %s", got, want)
	}
	// Thereafter 0: only First per window.
	got = fmt.Sprint(sampleRun(t, slogx.SampleOptions{Tick: time.Second, First: 1}, recs))
	if want := "[a@0s a@1s]"; got != want {
		t.Fatalf("kept %s, want %s", got, want)
	}
}

func TestSampleCountsPerBandAndMessage(t *testing.T) {
	recs := []sampleRec{
		{slog.LevelInfo, "a", 0}, {slog.LevelInfo, "b", 0}, {slog.LevelWarn, "a", 0},
		{slog.LevelInfo + 2, "a", 0},                                     // INFO's band: dropped
		{slog.LevelDebug - 4, "a", 0},                                    // below DEBUG is DEBUG's band: first of it
		{slog.LevelDebug, "a", 0},                                        // dropped
		{slogx.LevelCritical, "a", 0}, {slogx.LevelCritical + 8, "a", 0}, // one band
		{slog.LevelError, "a", 0}, {slog.LevelError + 3, "a", 0},
	}
	got := fmt.Sprint(sampleRun(t, slogx.SampleOptions{Tick: time.Minute, First: 1}, recs))
	want := "[a@0s b@0s a@0s a@0s a@0s a@0s]"
	if got != want {
		t.Fatalf("kept %s, want %s", got, want)
	}
}

func TestSampleWindowFollowsRecordTime(t *testing.T) {
	// Records logged late (replayed) are sampled by when they happened: an hour apart, each
	// starts its own window even though they are handled back to back.
	recs := []sampleRec{{slog.LevelInfo, "a", 0}, {slog.LevelInfo, "a", time.Hour}, {slog.LevelInfo, "a", 2 * time.Hour}}
	if got := len(sampleRun(t, slogx.SampleOptions{Tick: time.Second, First: 1}, recs)); got != 3 {
		t.Fatalf("kept %d, want 3", got)
	}
}

func TestSampleDropsCountedAndReported(t *testing.T) {
	var dropped []string
	h := slogx.Sample(newFanoutRecorder(), slogx.SampleOptions{Tick: time.Minute, First: 1, Thereafter: 2,
		OnDrop: func(r slog.Record) { dropped = append(dropped, r.Message) }})
	l := slog.New(h.WithAttrs([]slog.Attr{slog.Int("k", 1)})) // derived handlers share counters
	l2 := slog.New(h.WithGroup("g"))
	for range 3 {
		l.Info("x")
		l2.Info("x")
	}
	// x: 1 kept, 2 dropped, 3 kept, 4 dropped, 5 kept, 6 dropped.
	if h.Stats().Dropped != 3 || fmt.Sprint(dropped) != "[x x x]" {
		t.Fatalf("stats %+v, OnDrop %v", h.Stats(), dropped)
	}
}

func TestSampleZeroTimeUsesClock(t *testing.T) {
	clock := &sampleClock{now: fixedTime}
	target := newFanoutRecorder()
	h := slogx.Sample(target, slogx.SampleOptions{Tick: time.Millisecond, First: 1})
	slogx.SetSampleNow(h, clock.Now)
	h.Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelInfo, "z", 0))
	h.Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelInfo, "z", 0)) // same window
	clock.now = clock.now.Add(5 * time.Millisecond)
	h.Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelInfo, "z", 0))
	if n := len(target.got); n != 2 {
		t.Fatalf("kept %d of 3 records without a time, want 2 (one per window of the clock)", n)
	}
}

func TestSampleConcurrent(t *testing.T) {
	var target atomic.Int64
	var onDrop atomic.Uint64
	h := slogx.Sample(countHandler{&target}, slogx.SampleOptions{Tick: time.Hour, First: 10, Thereafter: 100,
		OnDrop: func(slog.Record) { onDrop.Add(1) }})
	const goroutines, per = 8, 5000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			l := slog.New(h.WithAttrs([]slog.Attr{slog.Int("g", g)}))
			for i := range per {
				l.Info(fmt.Sprint("m", i%3))
			}
		})
	}
	wg.Wait()
	kept, dropped := uint64(target.Load()), h.Stats().Dropped
	if kept+dropped != goroutines*per || dropped != onDrop.Load() {
		t.Fatalf("kept %d + dropped %d != %d, OnDrop saw %d", kept, dropped, goroutines*per, onDrop.Load())
	}
	// One window per message (the run is far shorter than an hour): 10 + every 100th. The
	// window's first records may race (zap's documented imprecision), so allow a little slack.
	want := 3 * (10 + (goroutines*per/3-10)/100)
	if int(kept) < want-6 || int(kept) > want+6 {
		t.Fatalf("kept %d, want about %d", kept, want)
	}
}

// countHandler counts the records it handles.
type countHandler struct{ n *atomic.Int64 }

func (c countHandler) Enabled(context.Context, slog.Level) bool { return true }
func (c countHandler) Handle(context.Context, slog.Record) error {
	c.n.Add(1)
	return nil
}
func (c countHandler) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c countHandler) WithGroup(string) slog.Handler      { return c }

func TestSampleForwardsFlushAndClose(t *testing.T) {
	o := newOwned()
	h := slogx.Sample(o, slogx.SampleOptions{})
	if err := slogx.Flush(context.Background(), h); err != nil || o.flushes != 1 {
		t.Fatalf("flush: %v, %d flushes", err, o.flushes)
	}
	if err := slogx.Close(h); err != nil || o.closes != 1 {
		t.Fatalf("close: %v, %d closes", err, o.closes)
	}
}

func TestSampleZeroAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items at random under -race; make test runs this without -race too")
	}
	h := slogx.Sample(slogx.NewHandler(discard{}, nil), slogx.SampleOptions{Tick: time.Second, First: 2, Thereafter: 3,
		OnDrop: func(slog.Record) {}})
	ctx := context.Background()
	r := slog.NewRecord(fixedTime, slog.LevelInfo, "a message of typical length", 0)
	r.AddAttrs(slog.String("user", "gopher"), slog.Int("count", 42))
	h.Handle(ctx, r) // warm the pool
	if n := testing.AllocsPerRun(300, func() { h.Handle(ctx, r) }); n != 0 {
		t.Fatalf("%v allocs/op, want 0", n)
	}
}

// sampleClock is a wall clock a test sets.
type sampleClock struct{ now time.Time }

func (c *sampleClock) Now() time.Time { return c.now }

// TestSampleFutureRecordDoesNotFreezeWindow: one record stamped 100 years ahead (a broken
// clock, a forged timestamp) must not make a window that never ends: it is measured by the
// wall clock, and the windows after it keep their First records each.
func TestSampleFutureRecordDoesNotFreezeWindow(t *testing.T) {
	clock := &sampleClock{now: fixedTime}
	target := newFanoutRecorder()
	h := slogx.Sample(target, slogx.SampleOptions{Tick: time.Second, First: 2})
	slogx.SetSampleNow(h, clock.Now)
	ctx := context.Background()
	log := func(at time.Time) { h.Handle(ctx, slog.NewRecord(at, slog.LevelInfo, "m", 0)) }

	log(fixedTime.AddDate(100, 0, 0)) // the first of its counter: it passes
	for w := range 3 {
		clock.now = fixedTime.Add(time.Duration(w+1) * 2 * time.Second)
		for i := range 5 {
			log(clock.now.Add(time.Duration(i) * time.Millisecond))
		}
	}
	if n, want := len(target.got), 1+3*2; n != want {
		t.Fatalf("kept %d records, want %d: the future record froze the window", n, want)
	}
	// In a running window, a future record counts in it and does not end it.
	log(fixedTime.AddDate(100, 0, 0))
	log(clock.now.Add(500 * time.Millisecond))
	clock.now = clock.now.Add(2 * time.Second)
	log(clock.now)
	if n, want := len(target.got), 8; n != want || h.Stats().Dropped != 3*3+2 {
		t.Fatalf("kept %d, want %d; %+v", n, want, h.Stats())
	}
}

// TestSampleSkewedClockAhead: records from a machine whose clock runs ahead by more than a
// Tick are sampled by the wall clock's windows, each with its First records.
func TestSampleSkewedClockAhead(t *testing.T) {
	clock := &sampleClock{now: fixedTime}
	target := newFanoutRecorder()
	h := slogx.Sample(target, slogx.SampleOptions{Tick: time.Second, First: 2})
	slogx.SetSampleNow(h, clock.Now)
	for w := range 4 {
		clock.now = fixedTime.Add(time.Duration(w) * 2 * time.Second)
		for i := range 5 {
			at := clock.now.Add(5*time.Second + time.Duration(i)*time.Millisecond)
			h.Handle(context.Background(), slog.NewRecord(at, slog.LevelInfo, "m", 0))
		}
	}
	if n := len(target.got); n != 4*2 {
		t.Fatalf("kept %d records, want %d", n, 4*2)
	}
}
