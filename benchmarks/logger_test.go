package benchmarks

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"go.uber.org/zap"
)

// BenchmarkLogger measures what an application pays per call through each library's logger:
// slog.Logger.LogAttrs on every slog.Handler (including zap's slog bridge), zap.Logger.Info with
// zap fields, and a zerolog event with a timestamp. Every logger reads the clock per record;
// the attribute slices are prepared once, as the With attributes are.
//
// Names: BenchmarkLogger/<case>/<impl>, and <case>-parallel for the b.RunParallel variant of
// the 5-attribute case. slog-json is the baseline of every group.
func BenchmarkLogger(b *testing.B) {
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchLoggerCase(b, c, false) })
	}
	b.Run("5attrs-parallel", func(b *testing.B) { benchLoggerCase(b, cases[1], true) })
}

func benchLoggerCase(b *testing.B, c benchCase, parallel bool) {
	ctx := context.Background()
	for _, sh := range slogHandlers {
		b.Run(sh.name, func(b *testing.B) {
			l := slog.New(sh.new(io.Discard))
			if len(c.with) > 0 {
				l = slog.New(l.Handler().WithAttrs(c.with))
			}
			attrs := c.perCall
			loop(b, parallel, func() { l.LogAttrs(ctx, slog.LevelInfo, msg, attrs...) })
		})
	}
	b.Run("zap", func(b *testing.B) {
		with, perCall := c.zapFields()
		l := zap.New(newZapCore(io.Discard))
		if len(with) > 0 {
			l = l.With(with...)
		}
		loop(b, parallel, func() { l.Info(msg, perCall...) })
	})
	b.Run("zerolog", func(b *testing.B) {
		l := newZerolog(io.Discard).With().Timestamp().Logger()
		switch c.name {
		case "noattrs":
			loop(b, parallel, func() { l.Info().Msg(msg) })
		case "5attrs":
			loop(b, parallel, func() { zerologA(l.Info()).Msg(msg) })
		case "with5_5attrs":
			l = zerologWithA(l)
			loop(b, parallel, func() { zerologB(l.Info()).Msg(msg) })
		default:
			b.Fatalf("no zerolog workload for case %q", c.name)
		}
	})
}
