package slogx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"
	"time"

	"go.uber.org/goleak"

	"github.com/slogx/handlers/slogx"
)

func TestMemorySlogtest(t *testing.T) {
	for _, late := range []bool{false, true} {
		t.Run(fmt.Sprint("target set late=", late), func(t *testing.T) {
			var buf bytes.Buffer
			json := slogx.NewHandler(&buf, nil)
			var h *slogx.MemoryHandler
			if late {
				h = slogx.Memory(nil, slogx.MemoryOptions{})
			} else {
				h = slogx.Memory(json, slogx.MemoryOptions{})
			}
			defer h.Close()
			err := slogtest.TestHandler(h, func() []map[string]any {
				if late {
					h.SetTarget(json)
				}
				if err := h.Flush(context.Background()); err != nil {
					t.Fatal(err)
				}
				return fanoutLines(t, buf.Bytes())
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func memoryLog(t *testing.T, h slog.Handler, level slog.Level, msgs ...string) {
	t.Helper()
	for _, m := range msgs {
		if err := h.Handle(context.Background(), fanoutRecord(level, m)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMemoryFlushOnCapacity(t *testing.T) {
	target := newFanoutRecorder()
	h := slogx.Memory(target, slogx.MemoryOptions{Capacity: 3})
	memoryLog(t, h, slog.LevelInfo, "a", "b")
	if target.records() != "" || h.Len() != 2 {
		t.Fatalf("flushed early: %q", target.records())
	}
	memoryLog(t, h, slog.LevelInfo, "c")
	if target.records() != "a|b|c" || h.Len() != 0 {
		t.Fatalf("got %q", target.records())
	}
	memoryLog(t, h, slog.LevelInfo, "d")
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if target.records() != "a|b|c|d" {
		t.Fatalf("Close did not flush: %q", target.records())
	}
	if err := h.Handle(context.Background(), fanoutRecord(slog.LevelInfo, "late")); !errors.Is(err, slogx.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if s := h.Stats(); s.Records != 4 || s.Dropped != 1 || s.Errors != 0 {
		t.Fatalf("stats %+v", s)
	}
	if err := h.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
}

func TestMemoryFlushLevel(t *testing.T) {
	target := newFanoutRecorder()
	h := slogx.Memory(target, slogx.MemoryOptions{Capacity: 100})
	defer h.Close()
	memoryLog(t, h, slog.LevelDebug, "d1")
	memoryLog(t, h, slog.LevelWarn, "w1")
	if target.records() != "" {
		t.Fatal("flushed below FlushLevel")
	}
	memoryLog(t, h, slog.LevelError, "e1")
	if target.records() != "d1|w1|e1" {
		t.Fatalf("got %q", target.records())
	}
	h2 := slogx.Memory(target, slogx.MemoryOptions{FlushLevel: slog.LevelWarn})
	defer h2.Close()
	memoryLog(t, h2, slog.LevelWarn, "w2")
	if target.records() != "d1|w1|e1|w2" {
		t.Fatalf("got %q", target.records())
	}
}

// TestMemoryTick: the flush goroutine flushes on each tick. Ticks are sent on an unbuffered
// channel, so the second send returns only after the first flush has finished.
func TestMemoryTick(t *testing.T) {
	defer goleak.VerifyNone(t)
	target := newFanoutRecorder()
	tick := make(chan time.Time)
	h := slogx.Memory(target, slogx.MemoryOptions{Tick: tick})
	tick <- time.Time{} // empty buffer: nothing to do
	memoryLog(t, h, slog.LevelInfo, "a", "b")
	tick <- time.Time{}
	tick <- time.Time{}
	if target.records() != "a|b" {
		t.Fatalf("got %q", target.records())
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestMemoryFlushInterval uses the real ticker and waits for the delivery itself.
func TestMemoryFlushInterval(t *testing.T) {
	defer goleak.VerifyNone(t)
	target := newFanoutRecorder()
	target.notify = make(chan string, 1)
	h := slogx.Memory(target, slogx.MemoryOptions{FlushInterval: time.Millisecond})
	memoryLog(t, h, slog.LevelInfo, "a")
	if got := <-target.notify; got != "a" {
		t.Fatalf("got %q", got)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestMemoryWithoutTarget(t *testing.T) {
	var reports []error
	h := slogx.Memory(nil, slogx.MemoryOptions{Capacity: 3, OnError: func(err error) { reports = append(reports, err) }})
	ctx := context.Background()
	if !h.Enabled(ctx, slog.LevelDebug) {
		t.Fatal("no target: everything should be buffered")
	}
	l := slog.New(h)
	l.Info("a")
	l.With("k", "v").Error("b") // FlushLevel, but there is no target yet
	l.Info("c")
	l.Info("d") // beyond Capacity: dropped
	if err := h.Handle(ctx, fanoutRecord(slog.LevelInfo, "e")); !errors.Is(err, slogx.ErrNoTarget) {
		t.Fatalf("got %v", err)
	}
	if h.Flush(context.Background()) != nil || h.Len() != 3 {
		t.Fatal("Flush without target should keep the buffer")
	}
	target := newFanoutRecorder()
	h.SetTarget(target)
	if target.records() != "" {
		t.Fatal("SetTarget flushed")
	}
	l.Info("f") // the buffer is over capacity: this flushes all
	if got := target.records(); got != "a|b k=v|c|f" {
		t.Fatalf("got %q", got)
	}
	if s := h.Stats(); s.Dropped != 2 || s.Records != 4 {
		t.Fatalf("stats %+v", s)
	}
	if len(reports) != 2 || !errors.Is(reports[0], slogx.ErrNoTarget) {
		t.Fatalf("reports %v", reports)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestMemoryCloseWithoutFlush(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target bool
		o      slogx.MemoryOptions
	}{
		{"NoFlushOnClose", true, slogx.MemoryOptions{NoFlushOnClose: true}},
		{"no target", false, slogx.MemoryOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var reports []error
			tc.o.OnError = func(err error) { reports = append(reports, err) }
			target := newFanoutRecorder()
			var h *slogx.MemoryHandler
			if tc.target {
				h = slogx.Memory(target, tc.o)
			} else {
				h = slogx.Memory(nil, tc.o)
			}
			memoryLog(t, h, slog.LevelInfo, "a", "b")
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			if target.records() != "" {
				t.Fatalf("flushed %q", target.records())
			}
			if s := h.Stats(); s.Dropped != 2 {
				t.Fatalf("stats %+v", s)
			}
			if len(reports) != 1 || !strings.Contains(reports[0].Error(), "2 records not flushed") {
				t.Fatalf("reports %v", reports)
			}
		})
	}
}

func TestMemoryTargetFailures(t *testing.T) {
	var mu sync.Mutex
	var reports []string
	target := newFanoutRecorder()
	target.panics = "boom"
	h := slogx.Memory(target, slogx.MemoryOptions{OnError: func(err error) {
		mu.Lock()
		reports = append(reports, err.Error())
		mu.Unlock()
	}})
	memoryLog(t, h, slog.LevelInfo, "a", "boom", "b")
	err := h.Flush(context.Background())
	if err == nil || !strings.Contains(err.Error(), "panicked: target exploded") {
		t.Fatalf("got %v", err)
	}
	if target.records() != "a|b" {
		t.Fatalf("a panic stopped the flush: %q", target.records())
	}
	target.err = errors.New("disk full")
	memoryLog(t, h, slog.LevelInfo, "c")
	if err := h.Flush(context.Background()); !errors.Is(err, target.err) {
		t.Fatalf("got %v", err)
	}
	if s := h.Stats(); s.Errors != 2 || s.Records != 2 {
		t.Fatalf("stats %+v", s)
	}
	if len(reports) != 2 {
		t.Fatalf("reports %q", reports)
	}
	h.Close()
}

func TestMemoryDerivedTargets(t *testing.T) {
	first := newFanoutRecorder()
	h := slogx.Memory(first, slogx.MemoryOptions{})
	defer h.Close()
	l := slog.New(h).With("req", 1)
	for i := range 10 {
		l.Info("m", "i", i)
	}
	if err := h.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if first.withs != 1 {
		t.Fatalf("WithAttrs derived %d times for 10 records", first.withs)
	}
	l.Info("later")
	second := newFanoutRecorder()
	h.SetTarget(second)
	if err := h.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if second.withs != 1 || second.records() != "later req=1" {
		t.Fatalf("new target: %d derivations, got %q", second.withs, second.records())
	}
}

func TestMemoryLevels(t *testing.T) {
	ctx := context.Background()
	target := newFanoutRecorder()
	target.level = slog.LevelWarn
	h := slogx.Memory(target, slogx.MemoryOptions{})
	defer h.Close()
	if h.Enabled(ctx, slog.LevelInfo) || !h.Enabled(ctx, slog.LevelWarn) {
		t.Fatal("Enabled should follow the target")
	}
	// An explicit Level buffers more than the target takes; the flush asks the target.
	h2 := slogx.Memory(target, slogx.MemoryOptions{Level: slog.LevelDebug})
	defer h2.Close()
	if !h2.Enabled(ctx, slog.LevelDebug) {
		t.Fatal("Level ignored")
	}
	memoryLog(t, h2, slog.LevelInfo, "info")
	memoryLog(t, h2, slog.LevelError, "error")
	if target.records() != "error" {
		t.Fatalf("got %q", target.records())
	}
}

// TestMemoryConcurrent: many producers, a small buffer, so flushes run concurrently with
// appends; every record arrives once and each producer's records stay in order.
func TestMemoryConcurrent(t *testing.T) {
	const producers, per = 8, 2000
	var mu sync.Mutex
	next := make([]int, producers)
	bad, n := 0, 0
	target := slog.Handler(memoryOrderTarget(func(p, seq int) {
		mu.Lock()
		if seq != next[p] {
			bad++
		}
		next[p] = seq + 1
		n++
		mu.Unlock()
	}))
	h := slogx.Memory(target, slogx.MemoryOptions{Capacity: 7})
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				r := fanoutRecord(slog.LevelInfo, "m", slog.Int("p", p), slog.Int("seq", i))
				if err := h.Handle(context.Background(), r); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if n != producers*per || bad != 0 {
		t.Fatalf("%d records, %d out of order", n, bad)
	}
}

type memoryOrderTarget func(p, seq int)

func (memoryOrderTarget) Enabled(context.Context, slog.Level) bool { return true }
func (f memoryOrderTarget) Handle(_ context.Context, r slog.Record) error {
	var p, seq int
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "p" {
			p = int(a.Value.Int64())
		} else {
			seq = int(a.Value.Int64())
		}
		return true
	})
	f(p, seq)
	return nil
}
func (f memoryOrderTarget) WithAttrs([]slog.Attr) slog.Handler { return f }
func (f memoryOrderTarget) WithGroup(string) slog.Handler      { return f }

// memoryPythonScript replays ops on Python's own MemoryHandler and prints, after each op, how
// many records its target has received, then the messages in delivery order.
const memoryPythonScript = `
import sys, json, logging, logging.handlers
spec = json.load(sys.stdin)
class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.got = []
    def emit(self, r):
        self.got.append(r.getMessage())
c = Collect()
m = logging.handlers.MemoryHandler(spec["capacity"], flushLevel=logging.ERROR,
                                   target=None if spec["late"] else c)
steps = []
for op in spec["ops"]:
    if op[0] == "log":
        m.handle(logging.LogRecord("t", op[1], "f", 1, op[2], None, None))
    elif op[0] == "flush":
        m.flush()
    elif op[0] == "target":
        m.setTarget(c)
    elif op[0] == "close":
        m.close()
    steps.append(len(c.got))
print(json.dumps({"steps": steps, "got": c.got}))
`

// TestMemoryMatchesPython is a differential test: the same sequence of records, flushes,
// SetTarget and Close on Python's MemoryHandler and on ours must deliver the same records at
// the same steps. (Without a target, Python's buffer is unbounded and ours holds Capacity
// records, so the sequence stays within Capacity until the target is set.)
func TestMemoryMatchesPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is required under CI:", err)
		}
		t.Skip("python3 not found; skipping the differential test")
	}
	const capacity = 5
	pyLevels := []int{10, 20, 30, 40, 50}
	for _, late := range []bool{false, true} {
		t.Run(fmt.Sprint("late=", late), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(len(fmt.Sprint(late)))))
			var ops [][]any
			if late {
				for i := range capacity - 1 {
					ops = append(ops, []any{"log", 40, fmt.Sprint("early", i)}) // ERROR, no target
				}
				ops = append(ops, []any{"target"})
			}
			for i := range 300 {
				if rng.IntN(20) == 0 {
					ops = append(ops, []any{"flush"})
					continue
				}
				// Mostly DEBUG/INFO so that capacity flushes happen too.
				lv := pyLevels[min(rng.IntN(12), 4)]
				ops = append(ops, []any{"log", lv, fmt.Sprint("m", i)})
			}
			ops = append(ops, []any{"log", 20, "last"}, []any{"close"})

			spec, _ := json.Marshal(map[string]any{"capacity": capacity, "late": late, "ops": ops})
			cmd := exec.Command(py, "-c", memoryPythonScript)
			cmd.Stdin = bytes.NewReader(spec)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("python3: %v", err)
			}
			var want struct {
				Steps []int
				Got   []string
			}
			if err := json.Unmarshal(out, &want); err != nil {
				t.Fatalf("%s: %v", out, err)
			}

			target := newFanoutRecorder()
			var h *slogx.MemoryHandler
			if late {
				h = slogx.Memory(nil, slogx.MemoryOptions{Capacity: capacity})
			} else {
				h = slogx.Memory(target, slogx.MemoryOptions{Capacity: capacity})
			}
			var steps []int
			var got []string
			for _, op := range ops {
				switch op[0] {
				case "log":
					lv := slogx.FromPythonLevel(op[1].(int))
					if err := h.Handle(context.Background(), fanoutRecord(lv, op[2].(string))); err != nil {
						t.Fatal(err)
					}
				case "flush":
					if err := h.Flush(context.Background()); err != nil {
						t.Fatal(err)
					}
				case "target":
					h.SetTarget(target)
				case "close":
					if err := h.Close(); err != nil {
						t.Fatal(err)
					}
				}
				got = strings.Split(target.records(), "|")
				if got[0] == "" {
					got = nil
				}
				steps = append(steps, len(got))
			}
			if fmt.Sprint(steps) != fmt.Sprint(want.Steps) {
				t.Fatalf("delivered counts per step differ:\n go %v\n py %v", steps, want.Steps)
			}
			if strings.Join(got, ",") != strings.Join(want.Got, ",") {
				t.Fatalf("delivered records differ:\n go %v\n py %v", got, want.Got)
			}
			if h.Stats().Dropped != 0 {
				t.Fatalf("stats %+v", h.Stats())
			}
		})
	}
}
