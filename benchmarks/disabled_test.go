package benchmarks

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/rs/zerolog"
	"go.uber.org/zap"
)

// disabledImpls returns, for every library, a logger call at Debug with the 5 attributes of
// set A on a logger whose level is Info, writing to w: what a disabled log line costs the
// application (the level check, and whatever the call builds before it). slog.Logger.LogAttrs
// on every slog.Handler, zap.Logger.Debug, a zerolog Debug event (nil when disabled, so its
// field calls do nothing).
func disabledImpls(w io.Writer) []impl {
	ctx := context.Background()
	var out []impl
	for _, sh := range slogHandlers {
		l := slog.New(sh.new(w))
		out = append(out, impl{sh.name, func() error {
			l.LogAttrs(ctx, slog.LevelDebug, msg, attrsA...)
			return nil
		}})
	}
	zl := zap.New(newZapCore(w))
	out = append(out, impl{"zap", func() error { zl.Debug(msg, fieldsA...); return nil }})
	rl := newZerolog(w).Level(zerolog.InfoLevel).With().Timestamp().Logger()
	return append(out, impl{"zerolog", func() error { zerologA(rl.Debug()).Msg(msg); return nil }})
}

// BenchmarkDisabled measures a call below the logger's level.
//
// Names: BenchmarkDisabled/debug-5attrs/<impl> and debug-5attrs-parallel (b.RunParallel);
// slog-json, the first, is the baseline.
func BenchmarkDisabled(b *testing.B) {
	b.Run("debug-5attrs", func(b *testing.B) { run(b, disabledImpls(io.Discard), false) })
	b.Run("debug-5attrs-parallel", func(b *testing.B) { run(b, disabledImpls(io.Discard), true) })
}

// TestDisabledWritesNothing checks the equal work of BenchmarkDisabled: no library writes a
// byte, and none allocates.
func TestDisabledWritesNothing(t *testing.T) {
	var buf bytes.Buffer
	for _, im := range disabledImpls(&buf) {
		if err := im.op(); err != nil {
			t.Fatalf("%s: %v", im.name, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s wrote %q at Debug", im.name, buf.String())
			buf.Reset()
		}
		if !raceEnabled {
			if n := testing.AllocsPerRun(100, func() { _ = im.op() }); n != 0 {
				t.Errorf("%s: %v allocs per disabled call", im.name, n)
			}
		}
	}
}
