package benchmarks

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"

	"github.com/slogx/handlers/slogx"
)

// The differential test of slogx.Sample against zap's sampler: the same long random sequences
// of (level, message, time) go through both, and both must keep exactly the same records.

// sampleBands pairs each zap level that has a slog band with that band's levels: any slog
// level of the band must behave as the zap level does. zap's DPanic and Panic have no slog
// counterpart and are left out.
var sampleBands = []struct {
	zap      zapcore.Level
	min, max slog.Level // inclusive range of slog levels drawn for it
}{
	{zapcore.DebugLevel, -12, -1},
	{zapcore.InfoLevel, 0, 3},
	{zapcore.WarnLevel, 4, 7},
	{zapcore.ErrorLevel, 8, 11},
	{zapcore.FatalLevel, slogx.LevelCritical, slogx.LevelCritical + 20},
}

// sampleMessages returns a message set with pairs of distinct messages that share a counter
// (FNV-1a modulo 4096), so that the test also shows that collisions behave as in zap.
func sampleMessages(r *rand.Rand) []string {
	msgs := []string{"", "request", "request done", "cache miss", "db slow", "retrying"}
	slot := func(s string) uint32 { h := fnv.New32a(); h.Write([]byte(s)); return h.Sum32() % 4096 }
	for pairs := 0; pairs < 4; {
		a := fmt.Sprintf("collide-%d", r.IntN(1<<30))
		for i := range 1 << 20 {
			b := fmt.Sprintf("other-%d", i)
			if slot(a) == slot(b) {
				msgs = append(msgs, a, b)
				pairs++
				break
			}
		}
	}
	return msgs
}

type sampleStep struct {
	band int
	slog slog.Level
	msg  string
	t    time.Time
}

// sampleSequence draws n records: mostly small steps forward in time, some equal times, some
// jumps past a window, and a few steps back (clocks and replays do that), over a small set of
// messages and, now and then, a fresh one.
func sampleSequence(r *rand.Rand, n int, tick time.Duration, msgs []string) []sampleStep {
	t := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	span := max(int64(tick), 1000)
	seq := make([]sampleStep, n)
	for i := range seq {
		switch p := r.IntN(100); {
		case p < 60:
			t = t.Add(time.Duration(r.Int64N(span/20 + 1)))
		case p < 80:
		case p < 94:
			t = t.Add(time.Duration(r.Int64N(span/2 + 1)))
		case p < 97:
			t = t.Add(time.Duration(span + r.Int64N(2*span)))
		default:
			t = t.Add(-time.Duration(r.Int64N(span)))
		}
		b := r.IntN(len(sampleBands))
		lo, hi := sampleBands[b].min, sampleBands[b].max
		msg := msgs[r.IntN(len(msgs))]
		if r.IntN(50) == 0 {
			msg = fmt.Sprint("fresh ", r.Int())
		}
		seq[i] = sampleStep{band: b, slog: lo + slog.Level(r.IntN(int(hi-lo)+1)), msg: msg, t: t}
	}
	return seq
}

// nopCore is an enabled zap core that does nothing, standing for the core behind the sampler.
type nopCore struct{}

func (nopCore) Enabled(zapcore.Level) bool                                            { return true }
func (c nopCore) With([]zapcore.Field) zapcore.Core                                   { return c }
func (nopCore) Check(_ zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry { return ce }
func (nopCore) Write(zapcore.Entry, []zapcore.Field) error                            { return nil }
func (nopCore) Sync() error                                                           { return nil }

// nopHandler is an enabled slog handler that does nothing.
type nopHandler struct{}

func (nopHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (nopHandler) Handle(context.Context, slog.Record) error { return nil }
func (h nopHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h nopHandler) WithGroup(string) slog.Handler           { return h }

func TestSampleMatchesZap(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	ticks := []time.Duration{0, time.Microsecond, time.Millisecond, time.Second}
	firsts := []int{0, 1, 3, 100}
	thereafters := []int{0, 1, 2, 7, 100}
	var total, totalKept int
	for ti, tick := range ticks {
		for fi, first := range firsts {
			for hi, thereafter := range thereafters {
				r := rand.New(rand.NewPCG(uint64(ti), uint64(fi<<8|hi)))
				seq := sampleSequence(r, n, tick, sampleMessages(r))

				var zapKept bool
				zs := zapcore.NewSamplerWithOptions(nopCore{}, tick, first, thereafter,
					zapcore.SamplerHook(func(_ zapcore.Entry, d zapcore.SamplingDecision) { zapKept = d&zapcore.LogSampled != 0 }))
				var dropped bool
				ss := slogx.Sample(nopHandler{}, slogx.SampleOptions{Tick: tick, First: first, Thereafter: thereafter,
					OnDrop: func(slog.Record) { dropped = true }})

				kept := 0
				for i, s := range seq {
					zs.Check(zapcore.Entry{Level: sampleBands[s.band].zap, Message: s.msg, Time: s.t}, nil)
					dropped = false
					if err := ss.Handle(context.Background(), slog.NewRecord(s.t, s.slog, s.msg, 0)); err != nil {
						t.Fatal(err)
					}
					if zapKept == dropped {
						t.Fatalf("tick %v first %d thereafter %d: record %d (%v %q at %v): zap kept=%v, slogx kept=%v",
							tick, first, thereafter, i, s.slog, s.msg, s.t, zapKept, !dropped)
					}
					if zapKept {
						kept++
					}
				}
				if got := ss.Stats().Dropped; got != uint64(n-kept) {
					t.Fatalf("Stats().Dropped %d, want %d", got, n-kept)
				}
				total += n
				totalKept += kept
			}
		}
	}
	t.Logf("%d configurations, %d records, %d kept by both, the same ones", len(ticks)*len(firsts)*len(thereafters), total, totalKept)
}

// sampleImpls is the sampling decision alone over a core/handler that does nothing, with zap's
// production settings (1 s, first 100, thereafter 100), 16 messages in turn and the time
// advancing 1 µs per record, so most records are dropped as in a burst.
func sampleImpls() []impl {
	const tick, first, thereafter = time.Second, 100, 100
	msgs := make([]string, 16)
	for i := range msgs {
		msgs[i] = fmt.Sprintf("message number %d of the burst", i)
	}
	ctx := context.Background()
	ss := slogx.Sample(nopHandler{}, slogx.SampleOptions{Tick: tick, First: first, Thereafter: thereafter})
	var si int
	slogOp := func() error {
		si++
		return ss.Handle(ctx, slog.NewRecord(benchTime.Add(time.Duration(si)*time.Microsecond), slog.LevelInfo, msgs[si%len(msgs)], 0))
	}
	zs := zapcore.NewSamplerWithOptions(nopCore{}, tick, first, thereafter)
	var zi int
	zapOp := func() error {
		zi++
		zs.Check(zapcore.Entry{Level: zapcore.InfoLevel, Time: benchTime.Add(time.Duration(zi) * time.Microsecond), Message: msgs[zi%len(msgs)]}, nil)
		return nil
	}
	return []impl{{"slogx", slogOp}, {"zap", zapOp}}
}

// BenchmarkSample: slogx.Sample's Handle against zap's sampler Check, the decision alone.
// Names: BenchmarkSample/<impl>; slogx's in-package BenchmarkSample has a parallel variant.
func BenchmarkSample(b *testing.B) {
	run(b, sampleImpls(), false)
}

func TestSampleZeroAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts mean nothing under -race")
	}
	for _, im := range sampleImpls() {
		if n := testing.AllocsPerRun(1000, func() { im.op() }); n != 0 {
			t.Errorf("%s: %v allocs/op, want 0", im.name, n)
		}
	}
}
