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

// BenchmarkPattern compares Python's usual format (issue 16's row) with Text on the same
// record: the pattern writes the time, level, logger name and message its own way and the
// attributes as Text does.
func BenchmarkPattern(b *testing.B) {
	r := benchRecord()
	ctx := context.Background()
	pat := slogx.MustPattern("%(asctime)s %(levelname)-8s %(name)s: %(message)s %(attrs)s", "")
	for _, c := range []struct {
		name string
		h    slog.Handler
	}{
		{"text", slogx.NewHandler(io.Discard, &slogx.Options{Encoder: slogx.Text()})},
		{"pattern", slogx.NewHandler(io.Discard, &slogx.Options{Encoder: pat}).WithAttrs(
			[]slog.Attr{slog.String(slogx.LoggerKey, "app.db")})},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.h.Handle(ctx, r)
			}
		})
	}
}

// BenchmarkWithPerRequest is a per-request logger: With of five key-values, then one record
// with two attributes, through slog.Logger (issue 16's row; zap's count is 6 allocations).
func BenchmarkWithPerRequest(b *testing.B) {
	ctx := context.Background()
	l := slog.New(slogx.NewHandler(io.Discard, nil))
	b.ReportAllocs()
	for b.Loop() {
		l.With("request_id", "7f9c2ba4e88f827d", "method", "GET", "path", "/api/v1/users",
			"remote", "10.0.0.7", "user", 1042).
			LogAttrs(ctx, slog.LevelInfo, "request handled", slog.Int("status", 200),
				slog.Duration("elapsed", 1500*time.Microsecond))
	}
}

// BenchmarkDisabled is a record below the handler's level through slog.Logger: what a
// debug line costs in production.
func BenchmarkDisabled(b *testing.B) {
	ctx := context.Background()
	l := slog.New(slogx.NewHandler(io.Discard, nil))
	b.ReportAllocs()
	for b.Loop() {
		l.LogAttrs(ctx, slog.LevelDebug, "not written", slog.Int("n", 1), slog.String("s", "x"))
	}
}
