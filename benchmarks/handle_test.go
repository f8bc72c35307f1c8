package benchmarks

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"go.uber.org/zap/zapcore"
)

// BenchmarkHandle measures the handler alone: a record prepared once (time set, attributes
// added) is passed to Handle in the loop, so neither time.Now nor attribute construction is
// measured. zap's equivalent is Core.Write with a prepared Entry and fields; zerolog has no
// handler layer, so its equivalent is one event carrying the same fixed time and fields.
//
// Names: BenchmarkHandle/<case>/<impl>, and <case>-parallel for the b.RunParallel variant of
// the 5-attribute case. slog-json is the baseline of every group.
func BenchmarkHandle(b *testing.B) {
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchHandleCase(b, c, false) })
	}
	b.Run("5attrs-parallel", func(b *testing.B) { benchHandleCase(b, cases[1], true) })
}

func benchHandleCase(b *testing.B, c benchCase, parallel bool) {
	for _, sh := range slogHandlers {
		b.Run(sh.name, func(b *testing.B) {
			h := sh.new(io.Discard)
			if len(c.with) > 0 {
				h = h.WithAttrs(c.with)
			}
			benchHandle(b, h, c.record(), parallel)
		})
	}
	b.Run("zap", func(b *testing.B) {
		with, perCall := c.zapFields()
		core := newZapCore(io.Discard)
		if len(with) > 0 {
			core = core.With(with)
		}
		ent := zapcore.Entry{Level: zapcore.InfoLevel, Time: benchTime, Message: msg}
		loop(b, parallel, func() {
			if err := core.Write(ent, perCall); err != nil {
				b.Error(err)
			}
		})
	})
	b.Run("zerolog", func(b *testing.B) {
		l := newZerolog(io.Discard)
		switch c.name {
		case "noattrs":
			loop(b, parallel, func() { l.Info().Time("time", benchTime).Msg(msg) })
		case "5attrs":
			loop(b, parallel, func() { zerologA(l.Info().Time("time", benchTime)).Msg(msg) })
		case "with5_5attrs":
			l = zerologWithA(l)
			loop(b, parallel, func() { zerologB(l.Info().Time("time", benchTime)).Msg(msg) })
		default:
			b.Fatalf("no zerolog workload for case %q", c.name)
		}
	})
}

func benchHandle(b *testing.B, h slog.Handler, r slog.Record, parallel bool) {
	ctx := context.Background()
	loop(b, parallel, func() {
		if err := h.Handle(ctx, r); err != nil {
			b.Error(err)
		}
	})
}

// loop runs op b.N times, serially or spread over GOMAXPROCS goroutines, reporting
// allocations. The closure call costs the same ~2 ns for every implementation.
func loop(b *testing.B, parallel bool, op func()) {
	b.ReportAllocs()
	if parallel {
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				op()
			}
		})
		return
	}
	for b.Loop() {
		op()
	}
}
