package slogx_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

// BenchmarkSample measures the sampling decision over a handler that does nothing, with zap's
// production settings (1 s, first 100, thereafter 100) during a burst of 16 messages, the
// record time advancing 1 µs per record. The parallel case shares one sampler.
func BenchmarkSample(b *testing.B) {
	msgs := make([]string, 16)
	for i := range msgs {
		msgs[i] = fmt.Sprintf("message number %d of the burst", i)
	}
	h := slogx.Sample(nopHandler{}, slogx.SampleOptions{Tick: time.Second, First: 100, Thereafter: 100})
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			h.Handle(ctx, slog.NewRecord(fixedTime.Add(time.Duration(i)*time.Microsecond), slog.LevelInfo, msgs[i%len(msgs)], 0))
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				i++
				h.Handle(ctx, slog.NewRecord(fixedTime.Add(time.Duration(i)*time.Microsecond), slog.LevelInfo, msgs[i%len(msgs)], 0))
			}
		})
	})
}

// nopHandler is an enabled handler that does nothing, so that a benchmark measures the
// middleware alone.
type nopHandler struct{}

func (nopHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (nopHandler) Handle(context.Context, slog.Record) error { return nil }
func (h nopHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h nopHandler) WithGroup(string) slog.Handler           { return h }

// BenchmarkContextAttrs measures ContextAttrs over a handler that does nothing, with a context
// that carries three attributes (request, trace and span ids) and with one that carries none.
func BenchmarkContextAttrs(b *testing.B) {
	h := slogx.ContextAttrs(nopHandler{}, ctxAttrs)
	r := slog.NewRecord(fixedTime, slog.LevelInfo, "a message of typical length", 0)
	r.AddAttrs(slog.String("user", "gopher"), slog.Int("count", 42))
	for _, c := range []struct {
		name string
		ctx  context.Context
	}{
		{"none", context.Background()},
		{"three", withCtxAttrs(slog.String("request_id", "r1"), slog.String("trace_id", "t"), slog.String("span_id", "s"))},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h.Handle(c.ctx, r)
			}
		})
	}
}
