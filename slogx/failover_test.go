package slogx_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

// closedHandler is a real handler that refuses every record: it was closed.
func closedHandler(t *testing.T) *slogx.Handler {
	t.Helper()
	var b bytes.Buffer
	h := slogx.NewHandler(&b, &slogx.Options{OnError: func(error) {}})
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestFailoverRefusingFirstHandler(t *testing.T) {
	first := closedHandler(t)
	var b bytes.Buffer
	second := slogx.NewHandler(&b, nil)
	l := slog.New(slogx.Failover(first, second)).With("svc", "api").WithGroup("req")
	l.Info("served", "id", 7)
	got := testutil.ParseJSONLines(t, b.Bytes())
	if len(got) != 1 || got[0]["msg"] != "served" || got[0]["svc"] != "api" ||
		got[0]["req"].(map[string]any)["id"] != float64(7) {
		t.Fatalf("second handler got %s", b.String())
	}
	if st := first.Stats(); st.Dropped != 1 {
		t.Fatalf("first handler %+v, want the record dropped there", st)
	}
	if st := second.Stats(); st.Records != 1 {
		t.Fatalf("second handler %+v", st)
	}
}

func TestFailoverStopsAtFirstSuccess(t *testing.T) {
	var b1, b2 bytes.Buffer
	h := slogx.Failover(slogx.NewHandler(&b1, nil), slogx.NewHandler(&b2, nil))
	if err := h.Handle(context.Background(), fanoutRecord(slog.LevelInfo, "m")); err != nil {
		t.Fatal(err)
	}
	if b1.Len() == 0 || b2.Len() != 0 {
		t.Fatalf("first %q, second %q", b1.String(), b2.String())
	}
}

func TestFailoverAllFailJoinsErrors(t *testing.T) {
	failing := newFanoutRecorder()
	failing.err = errors.New("disk full")
	h := slogx.Failover(closedHandler(t), failing)
	err := h.Handle(context.Background(), fanoutRecord(slog.LevelInfo, "m"))
	if !errors.Is(err, slogx.ErrClosed) || !errors.Is(err, failing.err) {
		t.Fatalf("got %v, want both errors", err)
	}
	if s := err.Error(); strings.Index(s, "closed") > strings.Index(s, "disk full") {
		t.Fatalf("errors out of order: %q", s)
	}
}

func TestFailoverSkipsDisabledAndIsolatesPanics(t *testing.T) {
	quiet := newFanoutRecorder()
	quiet.level = slog.LevelError
	panicking := newFanoutRecorder()
	panicking.panics = "boom"
	ok := newFanoutRecorder()
	h := slogx.Failover(quiet, panicking, ok)
	if err := h.Handle(context.Background(), fanoutRecord(slog.LevelInfo, "boom")); err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(context.Background(), fanoutRecord(slog.LevelInfo, "fine")); err != nil {
		t.Fatal(err)
	}
	if quiet.records() != "" || panicking.records() != "fine" || ok.records() != "boom" {
		t.Fatalf("quiet %q, panicking %q, ok %q", quiet.records(), panicking.records(), ok.records())
	}
	if err := h.Handle(context.Background(), fanoutRecord(slog.LevelError, "loud")); err != nil || quiet.records() != "loud" {
		t.Fatalf("%v, quiet %q", err, quiet.records())
	}
}

func TestFailoverClonesForTheNext(t *testing.T) {
	adder := &refusingAppender{}
	second := newFanoutRecorder()
	h := slogx.Failover(adder, second)
	r := fanoutRecord(slog.LevelInfo, "m")
	for i := range 7 {
		r.AddAttrs(slog.Int("a", i))
	}
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if got := second.records(); strings.Contains(got, "added") || strings.Count(got, "a=") != 7 {
		t.Fatalf("second got %s", got)
	}
}

// refusingAppender adds an attribute to the record without cloning it, then refuses it.
type refusingAppender struct{ fanoutAppender }

func (a *refusingAppender) Handle(ctx context.Context, r slog.Record) error {
	a.fanoutAppender.Handle(ctx, r)
	return errors.New("refused")
}

func TestFailoverEnabled(t *testing.T) {
	h := slogx.Failover(slogx.NewHandler(&bytes.Buffer{}, &slogx.Options{Level: slog.LevelError}),
		slogx.NewHandler(&bytes.Buffer{}, &slogx.Options{Level: slog.LevelWarn}))
	ctx := context.Background()
	if h.Enabled(ctx, slog.LevelInfo) || !h.Enabled(ctx, slog.LevelWarn) {
		t.Fatal("Enabled is not the union of the handlers'")
	}
	if slogx.Failover().Enabled(ctx, slog.LevelError) {
		t.Fatal("Failover() is enabled")
	}
	one := slogx.NewHandler(&bytes.Buffer{}, nil)
	if slogx.Failover(one) != slog.Handler(one) {
		t.Fatal("Failover of one handler is not that handler")
	}
}

func TestFailoverFlushAndCloseReachAll(t *testing.T) {
	a, b := newOwned(), newOwned()
	h := slogx.Failover(a, b)
	if err := slogx.Flush(context.Background(), h); err != nil || a.flushes != 1 || b.flushes != 1 {
		t.Fatalf("%v, flushes %d %d", err, a.flushes, b.flushes)
	}
	a.err = errors.New("a failed")
	if err := slogx.Close(h); !errors.Is(err, a.err) || a.closes != 1 || b.closes != 1 {
		t.Fatalf("%v, closes %d %d", err, a.closes, b.closes)
	}
}

func TestFailoverSlogtest(t *testing.T) {
	var b bytes.Buffer
	h := slogx.Failover(closedHandler(t), slogx.NewHandler(&b, nil))
	if err := slogtest.TestHandler(h, func() []map[string]any { return fanoutLines(t, b.Bytes()) }); err != nil {
		t.Fatal(err)
	}
}

func TestFailoverZeroAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items at random under -race; make test runs this without -race too")
	}
	r := slog.NewRecord(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), slog.LevelInfo, "m", 0)
	// Seven attributes: two in the record's overflow slice, which a clone would copy.
	for i := range 7 {
		r.AddAttrs(slog.Int("a", i))
	}
	ctx := context.Background()
	quiet := slogx.NewHandler(discard{}, &slogx.Options{Level: slog.LevelError})
	h := slogx.Failover(quiet, slogx.NewHandler(discard{}, nil), closedHandler(t))
	for _, hh := range []slog.Handler{h, h.WithAttrs([]slog.Attr{slog.Int("x", 1)}).WithGroup("g")} {
		hh.Handle(ctx, r) // warm the pool
		if n := testing.AllocsPerRun(200, func() { hh.Handle(ctx, r) }); n != 0 {
			t.Errorf("%v allocs/op, want 0", n)
		}
	}
}
