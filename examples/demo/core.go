package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

func demoCore(out io.Writer, _ string) error {
	pattern, err := slogx.Pattern("%(asctime)s %(levelname)-8s %(name)s: %(message)s %(attrs)s", "")
	if err != nil {
		return err
	}
	for _, e := range []struct {
		name string
		enc  slogx.Encoder
	}{{"JSON (as slog.JSONHandler)", slogx.JSON()}, {"Text (as slog.TextHandler)", slogx.Text()}, {"Pattern (Python Formatter)", pattern}} {
		io.WriteString(out, "-- "+e.name+" -> stdout\n")
		l := slog.New(sinks.NewStream(out, &slogx.Options{Encoder: e.enc, Level: slog.LevelDebug})).
			With(slogx.LoggerKey, "demo.core")
		l.Debug("debugging", "n", 1)
		l.WithGroup("req").Info("request served", "path", "/api", "status", 200)
		l.Log(context.Background(), slogx.LevelCritical, "critical maps to Python's CRITICAL")
	}
	return nil
}
