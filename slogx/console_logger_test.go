package slogx_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

func TestConsoleLoggerColumn(t *testing.T) {
	named := func(l *slog.Logger) *slog.Logger { return l.With(slogx.LoggerKey, "app.db", "svc", "api") }
	for _, c := range []struct {
		name   string
		opts   *slogx.Options
		derive func(*slog.Logger) *slog.Logger
		r      slog.Record
		want   string
	}{
		{"handler's", nil, named, rec(slog.LevelInfo, "m", slog.Int("a", 1)),
			"03:04:05.123 INFO  app.db m svc=api a=1\n"},
		{"no name, no column", nil, nil, rec(slog.LevelWarn, "m"),
			"03:04:05.123 WARN  m\n"},
		{"the record's first wins, none repeated", nil, named,
			rec(slog.LevelError, "m", slog.String(slogx.LoggerKey, "rec"), slog.Int("a", 1), slog.String(slogx.LoggerKey, "second")),
			"03:04:05.123 ERROR rec m svc=api a=1\n"},
		{"the last With wins", nil, func(l *slog.Logger) *slog.Logger {
			return l.With(slogx.LoggerKey, "app").With(slogx.LoggerKey, "app.http")
		}, rec(slog.LevelInfo, "m"), "03:04:05.123 INFO  app.http m\n"},
		{"inside WithGroup, the record's is an attribute", nil, func(l *slog.Logger) *slog.Logger {
			return named(l).WithGroup("req")
		}, rec(slog.LevelInfo, "m", slog.String(slogx.LoggerKey, "x")), "03:04:05.123 INFO  app.db m svc=api req.logger=x\n"},
		{"after WithGroup, the handler's is an attribute", nil, func(l *slog.Logger) *slog.Logger {
			return l.WithGroup("req").With(slogx.LoggerKey, "x")
		}, rec(slog.LevelInfo, "m"), "03:04:05.123 INFO  m req.logger=x\n"},
		{"inside slog.Group, an attribute", nil, nil,
			rec(slog.LevelInfo, "m", slog.Group("g", slog.String(slogx.LoggerKey, "x"))), "03:04:05.123 INFO  m g.logger=x\n"},
		{"resolved, quoted if it must be", nil, nil,
			rec(slog.LevelDebug, "m", slog.Any(slogx.LoggerKey, testutil.Valuer{V: slog.StringValue("a\nb")})),
			"03:04:05.123 DEBUG \"a\\nb\" m\n"},
		{"not a string", nil, nil, rec(slog.LevelInfo, "m", slog.Int(slogx.LoggerKey, 7)), "03:04:05.123 INFO  7 m\n"},
		{"empty: no column", nil, nil, rec(slog.LevelInfo, "m", slog.String(slogx.LoggerKey, "")), "03:04:05.123 INFO  m\n"},
		{"ReplaceAttr sees it without groups", &slogx.Options{ReplaceAttr: func(gs []string, a slog.Attr) slog.Attr {
			if a.Key == slogx.LoggerKey && len(gs) == 0 {
				a.Value = slog.StringValue(strings.ToUpper(a.Value.String()))
			}
			return a
		}}, named, rec(slog.LevelInfo, "m", slog.String(slogx.LoggerKey, "rec")), "03:04:05.123 INFO  REC m svc=api\n"},
		{"ReplaceAttr removes it", &slogx.Options{ReplaceAttr: func(gs []string, a slog.Attr) slog.Attr {
			if a.Key == slogx.LoggerKey {
				return slog.Attr{}
			}
			return a
		}}, named, rec(slog.LevelInfo, "m"), "03:04:05.123 INFO  m svc=api\n"},
	} {
		if got := consoleOut(t, slogx.ConsoleOptions{Color: slogx.ColorNever}, c.opts, c.derive, c.r); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.name, got, c.want)
		}
	}
	// With color, the column is plain text after the colored level.
	got := consoleOut(t, slogx.ConsoleOptions{Color: slogx.ColorAlways}, nil, named, rec(slog.LevelInfo, "m"))
	if !strings.Contains(got, "INFO\x1b[0m  app.db m") {
		t.Errorf("colored: %q", got)
	}
}

func TestConsoleLoggerColumnAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items at random under -race; make test runs this without -race too")
	}
	h := slog.New(slogx.NewHandler(io.Discard, &slogx.Options{Encoder: slogx.Console(slogx.ConsoleOptions{})})).
		With(slogx.LoggerKey, "app.db").Handler()
	ctx := context.Background()
	for _, r := range []slog.Record{
		rec(slog.LevelInfo, "m", slog.String("user", "gopher"), slog.Int("n", 1)),
		rec(slog.LevelInfo, "m", slog.String("user", "gopher"), slog.String(slogx.LoggerKey, "rec")),
	} {
		h.Handle(ctx, r) // warm the pools
		if n := testing.AllocsPerRun(200, func() { h.Handle(ctx, r) }); n != 0 {
			t.Errorf("%v allocs/op, want 0", n)
		}
	}
}
