package benchmarks

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/slogx/handlers/slogx"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// impl is one implementation of one workload: op writes one record to the writer the impl was
// built with. Benchmarks build impls on io.Discard; tests build the very same impls on a buffer
// to check that every library writes the same fields.
type impl struct {
	name string
	op   func() error
}

// handleImpls returns the handler-level workload of c for every library, writing to w: a
// record prepared once (time set, attributes added) passed to Handle, so neither time.Now nor
// attribute construction is measured. zap's equivalent is Core.Write with a prepared Entry
// and fields; zerolog has no handler layer, so its equivalent is one event carrying the same
// fixed time and fields. The last row, hand-append, is the same line appended by hand (see
// handAppend): the floor the encoders are measured against.
func handleImpls(c benchCase, w io.Writer) []impl {
	ctx := context.Background()
	var out []impl
	for _, sh := range slogHandlers {
		h := sh.new(w)
		if len(c.with) > 0 {
			h = h.WithAttrs(c.with)
		}
		r := c.record()
		out = append(out, impl{sh.name, func() error { return h.Handle(ctx, r) }})
	}

	with, perCall := c.zapFields()
	core := newZapCore(w)
	if len(with) > 0 {
		core = core.With(with)
	}
	ent := zapcore.Entry{Level: zapcore.InfoLevel, Time: benchTime, Message: msg}
	out = append(out, impl{"zap", func() error { return core.Write(ent, perCall) }})

	zl := newZerolog(w)
	var zop func() error
	switch c.name {
	case "noattrs":
		zop = func() error { zl.Info().Time("time", benchTime).Msg(msg); return nil }
	case "5attrs":
		zop = func() error { zerologA(zl.Info().Time("time", benchTime)).Msg(msg); return nil }
	case "with5_5attrs":
		zl = zerologWithA(zl)
		zop = func() error { zerologB(zl.Info().Time("time", benchTime)).Msg(msg); return nil }
	default:
		panic(fmt.Sprintf("no zerolog workload for case %q", c.name))
	}
	out = append(out, impl{"zerolog", zop})
	return append(out, impl{"hand-append", handAppend(c, w)})
}

// loggerImpls returns the logger-level workload of c for every library, writing to w: what an
// application pays per call. slog.Logger.LogAttrs on every slog.Handler (zap's slog bridge
// included), zap.Logger.Info with zap fields, a zerolog event with a timestamp. Every logger
// reads the clock per record; the attribute slices are prepared once, as the With part is.
func loggerImpls(c benchCase, w io.Writer) []impl {
	ctx := context.Background()
	var out []impl
	for _, sh := range slogHandlers {
		h := sh.new(w)
		if len(c.with) > 0 {
			h = h.WithAttrs(c.with)
		}
		l := slog.New(h)
		attrs := c.perCall
		out = append(out, impl{sh.name, func() error {
			l.LogAttrs(ctx, slog.LevelInfo, msg, attrs...)
			return nil
		}})
	}

	with, perCall := c.zapFields()
	zl := zap.New(newZapCore(w))
	if len(with) > 0 {
		zl = zl.With(with...)
	}
	out = append(out, impl{"zap", func() error { zl.Info(msg, perCall...); return nil }})

	rl := newZerolog(w).With().Timestamp().Logger()
	var rop func() error
	switch c.name {
	case "noattrs":
		rop = func() error { rl.Info().Msg(msg); return nil }
	case "5attrs":
		rop = func() error { zerologA(rl.Info()).Msg(msg); return nil }
	case "with5_5attrs":
		rl = zerologWithA(rl)
		rop = func() error { zerologB(rl.Info()).Msg(msg); return nil }
	default:
		panic(fmt.Sprintf("no zerolog workload for case %q", c.name))
	}
	return append(out, impl{"zerolog", rop})
}

// patternImpls returns the Pattern workload, writing to w: the 5attrs prepared record passed
// to Handle of slogx's logfmt Text encoder (the baseline) and of a Python-style
// slogx.MustPattern layout whose %(name)s comes from a LoggerKey attribute added once with
// WithAttrs, as an application names its logger.
func patternImpls(w io.Writer) []impl {
	ctx := context.Background()
	r := cases[1].record()
	text := slogx.NewHandler(w, &slogx.Options{Encoder: slogx.Text()})
	pat := slogx.NewHandler(w, &slogx.Options{Encoder: slogx.MustPattern(patternFormat, "")}).
		WithAttrs([]slog.Attr{slog.String(slogx.LoggerKey, "app.db")})
	return []impl{
		{"slogx-text", func() error { return text.Handle(ctx, r) }},
		{"slogx-pattern", func() error { return pat.Handle(ctx, r) }},
	}
}

// patternFormat is the layout of the slogx-pattern row: Python's logging.basicConfig-style
// line with the record's attributes appended in logfmt.
const patternFormat = "%(asctime)s %(levelname)-8s %(name)s: %(message)s %(attrs)s"

// perRequest is the per-request workload as attributes: the five key-values of the With
// that builds a request's logger, and the two of the one record logged with it. The
// implementations spell them out as literals (what an application writes); the tests check
// their output against these lists.
var perRequest = benchCase{
	name: "with5_2attrs",
	with: []slog.Attr{
		slog.String("request_id", "7f9c2ba4e88f827d"),
		slog.String("method", "GET"),
		slog.String("path", "/api/v1/users"),
		slog.String("remote", "10.0.0.7"),
		slog.Int("user", 1042),
	},
	perCall: []slog.Attr{
		slog.Int("status", 200),
		slog.Duration("elapsed", 1500*time.Microsecond),
	},
}

// perRequestImpls returns the per-request logger workload for every library, writing to w:
// per op, a logger derived from the application's base logger (built once) with five
// key-values (With, the part measured here that the Logger group prepares once), then one Info
// record with two more attributes through it. Every logger reads the clock per record.
func perRequestImpls(w io.Writer) []impl {
	ctx := context.Background()
	var out []impl
	for _, sh := range slogHandlers {
		l := slog.New(sh.new(w))
		out = append(out, impl{sh.name, func() error {
			l.With("request_id", "7f9c2ba4e88f827d", "method", "GET", "path", "/api/v1/users",
				"remote", "10.0.0.7", "user", 1042).
				LogAttrs(ctx, slog.LevelInfo, msg, slog.Int("status", 200),
					slog.Duration("elapsed", 1500*time.Microsecond))
			return nil
		}})
	}

	zl := zap.New(newZapCore(w))
	out = append(out, impl{"zap", func() error {
		zl.With(zap.String("request_id", "7f9c2ba4e88f827d"), zap.String("method", "GET"),
			zap.String("path", "/api/v1/users"), zap.String("remote", "10.0.0.7"),
			zap.Int("user", 1042)).
			Info(msg, zap.Int("status", 200), zap.Duration("elapsed", 1500*time.Microsecond))
		return nil
	}})

	rl := newZerolog(w).With().Timestamp().Logger()
	out = append(out, impl{"zerolog", func() error {
		l := rl.With().Str("request_id", "7f9c2ba4e88f827d").Str("method", "GET").
			Str("path", "/api/v1/users").Str("remote", "10.0.0.7").Int("user", 1042).Logger()
		l.Info().Int("status", 200).Dur("elapsed", 1500*time.Microsecond).Msg(msg)
		return nil
	}})
	return out
}

// messageLens are the message lengths of BenchmarkMessage.
var messageLens = []int{16, 1024}

// message returns n bytes of plain ASCII words: nothing to escape in JSON, spaces (so Text
// quotes the message).
func message(n int) string {
	return strings.Repeat("lorem ipsum dolo", n/16+1)[:n]
}

// messageImpls returns the BenchmarkMessage workload, writing to w: a record prepared once
// (fixed time, level Info, no attributes) whose message is message(n), passed to Handle of
// each slog handler; zerolog writes one event with the same time and message.
func messageImpls(n int, w io.Writer) []impl {
	ctx := context.Background()
	m := message(n)
	var out []impl
	for _, sh := range slogHandlers {
		h := sh.new(w)
		r := slog.NewRecord(benchTime, slog.LevelInfo, m, 0)
		out = append(out, impl{sh.name, func() error { return h.Handle(ctx, r) }})
	}
	zl := newZerolog(w)
	return append(out, impl{"zerolog", func() error { zl.Info().Time("time", benchTime).Msg(m); return nil }})
}
