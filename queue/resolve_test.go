package queue

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

// counterValuer changes value after every LogValue call, like a live gauge.
type counterValuer struct{ n *atomic.Int64 }

func (c counterValuer) LogValue() slog.Value { return slog.Int64Value(c.n.Add(1)) }

type captureHandler struct{ got chan slog.Record }

func (h captureHandler) Enabled(context.Context, slog.Level) bool      { return true }
func (h captureHandler) Handle(_ context.Context, r slog.Record) error { h.got <- r; return nil }
func (h captureHandler) WithAttrs([]slog.Attr) slog.Handler            { return h }
func (h captureHandler) WithGroup(string) slog.Handler                 { return h }

// With ResolveLogValuers, a LogValuer is resolved at the log call, in the caller: the listener
// sees the value of that moment, even when the valuer changes before the record is handled.
func TestLogValuerResolvedAtLogCall(t *testing.T) {
	var n atomic.Int64
	target := captureHandler{got: make(chan slog.Record, 1)}
	q := New(target, Options{ResolveLogValuers: true})
	defer q.Close()
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)
	r.AddAttrs(slog.Any("gauge", counterValuer{&n}), slog.Group("g", slog.Any("inner", counterValuer{&n})))
	if err := q.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	got := <-target.got
	n.Add(100) // a later call would see 103 and more
	var vals []slog.Value
	got.Attrs(func(a slog.Attr) bool {
		vals = append(vals, a.Value)
		return true
	})
	if len(vals) != 2 || vals[0].Kind() != slog.KindInt64 || vals[0].Int64() != 1 {
		t.Fatalf("gauge: %v", vals)
	}
	inner := vals[1].Group()
	if len(inner) != 1 || inner[0].Value.Kind() != slog.KindInt64 || inner[0].Value.Int64() != 2 {
		t.Fatalf("group: %v", inner)
	}
}

func TestResolveRecordZeroAllocs(t *testing.T) {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)
	r.AddAttrs(slog.Int("a", 1), slog.Group("g", slog.String("b", "x")))
	if n := testing.AllocsPerRun(100, func() { resolveRecord(&r) }); n != 0 {
		t.Fatalf("%v allocs", n)
	}
}
