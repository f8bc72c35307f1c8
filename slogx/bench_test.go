package slogx_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

// These are quick in-package benchmarks for profiling; the side-by-side comparison with zap
// and zerolog lives in the benchmarks module.
func benchRecord() slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "a message of typical length", 0)
	r.AddAttrs(slog.String("user", "gopher"), slog.Int("count", 42), slog.Float64("ratio", 0.5),
		slog.Bool("ok", true), slog.Duration("elapsed", 1500*time.Millisecond))
	return r
}

func BenchmarkHandle(b *testing.B) {
	r := benchRecord()
	ctx := context.Background()
	for _, c := range []struct {
		name string
		h    slog.Handler
	}{
		{"slog-json", slog.NewJSONHandler(io.Discard, nil)},
		{"slogx-json", slogx.NewHandler(io.Discard, nil)},
		{"slog-text", slog.NewTextHandler(io.Discard, nil)},
		{"slogx-text", slogx.NewHandler(io.Discard, &slogx.Options{Encoder: slogx.Text()})},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.h.Handle(ctx, r)
			}
		})
	}
}
