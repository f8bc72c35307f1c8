package benchmarks

import (
	"context"
	"fmt"
	"io"
	"log/slog"

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
// fixed time and fields.
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
	return append(out, impl{"zerolog", zop})
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
