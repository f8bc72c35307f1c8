package queue_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/slogx/handlers/queue"
	"github.com/slogx/handlers/slogx"
)

// fast is a target that does nothing and wants everything, so the benchmarks measure the
// queue, not the sink.
type fast struct{}

func (fast) Enabled(context.Context, slog.Level) bool  { return true }
func (fast) Handle(context.Context, slog.Record) error { return nil }
func (f fast) WithAttrs([]slog.Attr) slog.Handler      { return f }
func (f fast) WithGroup(string) slog.Handler           { return f }

func benchRecord() slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "benchmark message", 0)
	r.AddAttrs(slog.String("user", "alice"), slog.Int("attempt", 3), slog.Bool("ok", true),
		slog.Duration("took", time.Millisecond), slog.Float64("ratio", 0.25))
	return r
}

// BenchmarkProducer measures what a logging goroutine pays per record; run with -cpu 1,2 for
// one and two producers. Under Block with a fast target the producers run at the listener's
// pace; under the drop policies they never wait.
func BenchmarkProducer(b *testing.B) {
	for _, o := range []queue.Overflow{queue.Block, queue.DropNewest, queue.DropOldest} {
		b.Run(o.String(), func(b *testing.B) {
			h := queue.New(fast{}, queue.Options{Overflow: o, OnError: func(error) {}})
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				r := benchRecord()
				for pb.Next() {
					_ = h.Handle(ctx, r)
				}
			})
			b.StopTimer()
			if err := h.Close(); err != nil {
				b.Fatal(err)
			}
			s := h.Stats()
			b.ReportMetric(float64(s.Dropped)/float64(b.N), "dropped/op")
		})
	}
}

// BenchmarkProducerFull measures the drop paths alone: the listener is held in the target,
// so every record meets a full queue.
func BenchmarkProducerFull(b *testing.B) {
	for _, o := range []queue.Overflow{queue.DropNewest, queue.DropOldest} {
		b.Run(o.String(), func(b *testing.B) {
			target := newRecorder()
			h := queue.New(target, queue.Options{Capacity: 64, Overflow: o, OnError: func(error) {}})
			ctx := context.Background()
			if err := h.Handle(ctx, record("block")); err != nil {
				b.Fatal(err)
			}
			<-target.entered
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				r := benchRecord()
				for pb.Next() {
					_ = h.Handle(ctx, r)
				}
			})
			b.StopTimer()
			close(target.release)
			if err := h.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkChannelBaseline is the design not taken: a buffered channel and one receiving
// goroutine, with no drop policy, no Flush and no close protocol. It shows what the ring
// buffer costs in comparison.
func BenchmarkChannelBaseline(b *testing.B) {
	type it struct {
		ctx context.Context
		r   slog.Record
	}
	ch := make(chan it, queue.DefaultCapacity)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for x := range ch {
			_ = fast{}.Handle(x.ctx, x.r)
		}
	}()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := benchRecord()
		for pb.Next() {
			ch <- it{ctx, r.Clone()}
		}
	})
	b.StopTimer()
	close(ch)
	<-done
}

// BenchmarkFanout measures Fanout's overhead over calling one target directly.
func BenchmarkFanout(b *testing.B) {
	ctx := context.Background()
	r := benchRecord()
	b.Run("direct", func(b *testing.B) {
		var h slog.Handler = fast{}
		b.ReportAllocs()
		for b.Loop() {
			if h.Enabled(ctx, r.Level) {
				_ = h.Handle(ctx, r)
			}
		}
	})
	for _, n := range []int{1, 2, 4} {
		b.Run(fmt.Sprint("targets=", n), func(b *testing.B) {
			hs := make([]slog.Handler, n)
			for i := range hs {
				hs[i] = fast{}
			}
			h := slogx.Fanout(hs...)
			b.ReportAllocs()
			for b.Loop() {
				if h.Enabled(ctx, r.Level) {
					_ = h.Handle(ctx, r)
				}
			}
		})
	}
}
