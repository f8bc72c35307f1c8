package benchmarks

import (
	"io"
	"log/slog"
	"time"

	"github.com/rs/zerolog"
	"github.com/slogx/handlers/slogx"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"
)

// The fields every library writes. The same five kinds (string, int, float, bool, duration)
// appear in both sets; set A is the per-call set of the "5attrs" case, set B the per-call set
// of the "with5_5attrs" case, whose With part is set A.
const msg = "request handled"

var (
	// benchTime is the time of prepared records. Fixed so outputs can be compared.
	benchTime = time.Date(2026, 11, 26, 10, 30, 15, 123456789, time.UTC)

	aStr, aInt, aFloat, aBool, aDur = "GET", 200, 3.25, true, 1500 * time.Millisecond
	bStr, bInt, bFloat, bBool, bDur = "/api/v1/users", 5120, 0.75, false, 250 * time.Microsecond
)

// attrsA and attrsB are the prepared slog attributes of sets A and B.
var (
	attrsA = []slog.Attr{
		slog.String("method", aStr),
		slog.Int("status", aInt),
		slog.Float64("load", aFloat),
		slog.Bool("cached", aBool),
		slog.Duration("elapsed", aDur),
	}
	attrsB = []slog.Attr{
		slog.String("path", bStr),
		slog.Int("bytes", bInt),
		slog.Float64("cpu", bFloat),
		slog.Bool("retried", bBool),
		slog.Duration("wait", bDur),
	}
)

// fieldsA and fieldsB are the same sets as zap fields.
var (
	fieldsA = []zap.Field{
		zap.String("method", aStr),
		zap.Int("status", aInt),
		zap.Float64("load", aFloat),
		zap.Bool("cached", aBool),
		zap.Duration("elapsed", aDur),
	}
	fieldsB = []zap.Field{
		zap.String("path", bStr),
		zap.Int("bytes", bInt),
		zap.Float64("cpu", bFloat),
		zap.Bool("retried", bBool),
		zap.Duration("wait", bDur),
	}
)

// zerologA and zerologB add sets A and B to a zerolog event; zerologWithA adds set A to a
// zerolog context (the With case).
func zerologA(e *zerolog.Event) *zerolog.Event {
	return e.Str("method", aStr).Int("status", aInt).Float64("load", aFloat).Bool("cached", aBool).Dur("elapsed", aDur)
}

func zerologB(e *zerolog.Event) *zerolog.Event {
	return e.Str("path", bStr).Int("bytes", bInt).Float64("cpu", bFloat).Bool("retried", bBool).Dur("wait", bDur)
}

func zerologWithA(l zerolog.Logger) zerolog.Logger {
	return l.With().Str("method", aStr).Int("status", aInt).Float64("load", aFloat).Bool("cached", aBool).Dur("elapsed", aDur).Logger()
}

// benchCase is one workload: the attributes precomputed with WithAttrs (none, or set A) and
// the attributes of every record.
type benchCase struct {
	name    string
	with    []slog.Attr
	perCall []slog.Attr
}

var cases = []benchCase{
	{name: "noattrs"},
	{name: "5attrs", perCall: attrsA},
	{name: "with5_5attrs", with: attrsA, perCall: attrsB},
}

// record returns the prepared record of c: fixed time, level Info, the per-call attributes.
func (c benchCase) record() slog.Record {
	r := slog.NewRecord(benchTime, slog.LevelInfo, msg, 0)
	r.AddAttrs(c.perCall...)
	return r
}

// zapFields returns the zap equivalents of c's With and per-call attributes.
func (c benchCase) zapFields() (with, perCall []zap.Field) {
	switch c.name {
	case "5attrs":
		return nil, fieldsA
	case "with5_5attrs":
		return fieldsA, fieldsB
	}
	return nil, nil
}

// slogHandlers are the implementations that are slog.Handlers, by benchmark name. The order
// is the row order of the table; slog-json is the baseline of every Handle and Logger group.
var slogHandlers = []struct {
	name string
	new  func(w io.Writer) slog.Handler
}{
	{"slog-json", func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) }},
	{"slogx-json", func(w io.Writer) slog.Handler {
		return slogx.NewHandler(w, &slogx.Options{Encoder: slogx.JSON()})
	}},
	{"slog-text", func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) }},
	{"slogx-text", func(w io.Writer) slog.Handler {
		return slogx.NewHandler(w, &slogx.Options{Encoder: slogx.Text()})
	}},
	{"zapslog", func(w io.Writer) slog.Handler { return zapslog.NewHandler(newZapCore(w)) }},
}

// newZapCore returns zap's JSON core writing to w, configured to write what slog.JSONHandler
// writes (same keys, RFC 3339 time with nanoseconds, durations as integer nanoseconds) so that
// the comparison is of equal work rather than of defaults.
func newZapCore(w io.Writer) zapcore.Core {
	cfg := zap.NewProductionEncoderConfig()
	cfg.TimeKey = "time"
	cfg.MessageKey = "msg"
	cfg.EncodeLevel = zapcore.CapitalLevelEncoder
	cfg.EncodeTime = zapcore.RFC3339NanoTimeEncoder
	cfg.EncodeDuration = zapcore.NanosDurationEncoder
	return zapcore.NewCore(zapcore.NewJSONEncoder(cfg), zapcore.AddSync(w), zapcore.InfoLevel)
}

// newZerolog returns zerolog's logger on w with its defaults (RFC 3339 time to the second,
// "message" key, durations as float milliseconds): zerolog's formatting knobs are package
// globals, and a benchmark should not change global state another test might observe. Its
// second-resolution time is slightly less work than the nanosecond time the others write.
func newZerolog(w io.Writer) zerolog.Logger { return zerolog.New(w) }
