package slogx_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/slogx/handlers/internal/testutil"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/slogx/handlers/slogx"
)

func parseJSONLines(t *testing.T, b []byte) []map[string]any { return testutil.ParseJSONLines(t, b) }

func TestSlogtestJSON(t *testing.T) {
	var buf bytes.Buffer
	h := slogx.NewHandler(&buf, nil)
	if err := slogtest.TestHandler(h, func() []map[string]any { return parseJSONLines(t, buf.Bytes()) }); err != nil {
		t.Fatal(err)
	}
}

// parseLogfmt turns Text output back into nested maps (keys split on dots), as slogtest's
// own text example does.
func parseLogfmt(t *testing.T, b []byte) []map[string]any {
	var ms []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		m := map[string]any{}
		s := bufio.NewScanner(strings.NewReader(line))
		s.Split(bufio.ScanWords)
		for s.Scan() {
			k, v, ok := strings.Cut(s.Text(), "=")
			if !ok {
				t.Fatalf("no '=' in %q", s.Text())
			}
			keys := strings.Split(k, ".")
			mm := m
			for _, k := range keys[:len(keys)-1] {
				x, _ := mm[k].(map[string]any)
				if x == nil {
					x = map[string]any{}
					mm[k] = x
				}
				mm = x
			}
			mm[keys[len(keys)-1]] = v
		}
		ms = append(ms, m)
	}
	return ms
}

func TestSlogtestText(t *testing.T) {
	var buf bytes.Buffer
	h := slogx.NewHandler(&buf, &slogx.Options{Encoder: slogx.Text()})
	if err := slogtest.TestHandler(h, func() []map[string]any { return parseLogfmt(t, buf.Bytes()) }); err != nil {
		t.Fatal(err)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestWriteErrorCountedAndReported(t *testing.T) {
	var reported []error
	h := slogx.NewHandler(failWriter{errors.New("disk full")}, &slogx.Options{OnError: func(err error) { reported = append(reported, err) }})
	l := slog.New(h)
	l.Info("a")
	l.Info("b")
	if st := h.Stats(); st.Errors != 2 || st.Records != 0 {
		t.Fatalf("stats %+v", st)
	}
	if len(reported) != 2 || !strings.Contains(reported[0].Error(), "disk full") {
		t.Fatalf("reported %v", reported)
	}
}

func TestCloseDropsLaterRecords(t *testing.T) {
	var buf bytes.Buffer
	h := slogx.NewHandler(&buf, &slogx.Options{OnError: func(error) {}})
	slog.New(h).Info("before")
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if err := h.Handle(context.Background(), slog.NewRecord(time.Time{}, 0, "after", 0)); !errors.Is(err, slogx.ErrClosed) {
		t.Fatalf("Handle after Close = %v", err)
	}
	if st := h.Stats(); st.Records != 1 || st.Dropped != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestDynamicLevel(t *testing.T) {
	var lv slog.LevelVar
	h := slogx.NewHandler(&bytes.Buffer{}, &slogx.Options{Level: &lv})
	if h.Enabled(context.Background(), slog.LevelDebug) {
		t.Fatal("debug enabled at info")
	}
	derived := h.WithAttrs([]slog.Attr{slog.Int("a", 1)}).WithGroup("g")
	lv.Set(slog.LevelDebug)
	if !h.Enabled(context.Background(), slog.LevelDebug) {
		t.Fatal("LevelVar change not seen")
	}
	if !derived.Enabled(context.Background(), slog.LevelDebug) {
		t.Fatal("LevelVar change not seen by a derived handler")
	}
	// A fixed level is compared without the Leveler (see levelCheck): same answers.
	fixed := slogx.NewHandler(&bytes.Buffer{}, &slogx.Options{Level: slog.LevelWarn})
	for l, want := range map[slog.Level]bool{slog.LevelInfo: false, slog.LevelWarn: true, slog.LevelWarn - 1: false, slog.LevelError: true} {
		if got := fixed.WithGroup("g").Enabled(context.Background(), l); got != want {
			t.Fatalf("Enabled(%v) at Warn = %v", l, got)
		}
	}
}

func TestTerminator(t *testing.T) {
	for _, tc := range []struct {
		o    slogx.Options
		want string
	}{
		{slogx.Options{Encoder: slogx.Text()}, "level=INFO msg=m\n"},
		{slogx.Options{Encoder: slogx.Text(), Terminator: "\r\n"}, "level=INFO msg=m\r\n"},
		{slogx.Options{Encoder: slogx.Text(), NoTerminator: true}, "level=INFO msg=m"},
	} {
		var buf bytes.Buffer
		o := tc.o
		h := slogx.NewHandler(&buf, &o)
		h.Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0))
		if buf.String() != tc.want {
			t.Errorf("got %q want %q", buf.String(), tc.want)
		}
	}
}

// countingWriter checks that every Write is exactly one whole record.
type lineWriter struct {
	mu    sync.Mutex
	lines []string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.lines = append(w.lines, string(p))
	w.mu.Unlock()
	return len(p), nil
}

func TestConcurrentOneWritePerRecord(t *testing.T) {
	w := &lineWriter{}
	h := slogx.NewHandler(w, nil)
	const goroutines, per = 16, 500
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := slog.New(h).With("g", g)
			for i := range per {
				l.Info("record", "i", i, "pad", strings.Repeat("x", g*10))
			}
		}()
	}
	wg.Wait()
	if len(w.lines) != goroutines*per {
		t.Fatalf("%d writes, want %d", len(w.lines), goroutines*per)
	}
	for _, l := range w.lines {
		var m map[string]any
		if strings.Count(l, "\n") != 1 || json.Unmarshal([]byte(l), &m) != nil {
			t.Fatalf("write is not one record: %q", l)
		}
	}
	if st := h.Stats(); st.Records != goroutines*per {
		t.Fatalf("stats %+v", st)
	}
}

func TestHandleZeroAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items at random under -race; make test runs this without -race too")
	}
	r := slog.NewRecord(fixedTime, slog.LevelInfo, "a message of typical length", 0)
	r.AddAttrs(slog.String("user", "gopher"), slog.Int("count", 42), slog.Float64("ratio", 0.5),
		slog.Bool("ok", true), slog.Duration("elapsed", 1500*time.Millisecond))
	for _, enc := range []slogx.Encoder{slogx.JSON(), slogx.Text()} {
		h := slogx.NewHandler(discard{}, &slogx.Options{Encoder: enc})
		hw := h.WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("req")
		ctx := context.Background()
		for _, hh := range []slog.Handler{h, hw} {
			hh.Handle(ctx, r) // warm the pool
			if n := testing.AllocsPerRun(200, func() { hh.Handle(ctx, r) }); n != 0 {
				t.Errorf("%T: %v allocs/op, want 0", enc, n)
			}
		}
	}
}

// A ReplaceAttr that keeps every attribute costs no allocation: the level reaches the JSON
// encoder as a value of kind Any then, and slog.Level's MarshalJSON allocated.
func TestHandleReplaceAttrAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items at random under -race; make test runs this without -race too")
	}
	r := slog.NewRecord(fixedTime, slog.LevelInfo, "m", 0)
	r.AddAttrs(slog.String("user", "gopher"), slog.Int("count", 42))
	noop := func(_ []string, a slog.Attr) slog.Attr { return a }
	for _, enc := range []slogx.Encoder{slogx.JSON(), slogx.Text()} {
		h := slogx.NewHandler(discard{}, &slogx.Options{Encoder: enc, ReplaceAttr: noop})
		ctx := context.Background()
		h.Handle(ctx, r) // warm the pool
		if n := testing.AllocsPerRun(200, func() { h.Handle(ctx, r) }); n != 0 {
			t.Errorf("%T: %v allocs/op with a no-op ReplaceAttr, want 0", enc, n)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
