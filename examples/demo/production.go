package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

type requestIDKey struct{}

// demoProduction shows the middleware beyond Python: zap's sampler, attributes from the
// context, and the level changed over HTTP.
func demoProduction(out io.Writer, _ string) error {
	var level slog.LevelVar
	base := sinks.NewStream(out, &slogx.Options{Encoder: slogx.Text(), Level: &level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{} // stable demo output
			}
			return a
		}})
	withCtx := slogx.ContextAttrs(base, func(ctx context.Context) []slog.Attr {
		if id, ok := ctx.Value(requestIDKey{}).(string); ok {
			return []slog.Attr{slog.String("request_id", id)}
		}
		return nil
	})
	sampled := slogx.Sample(withCtx, slogx.SampleOptions{Tick: time.Second, First: 2, Thereafter: 3})
	logger := slog.New(sampled)
	ctx := context.WithValue(context.Background(), requestIDKey{}, "req-42")

	io.WriteString(out, "-- Sample(First 2, Thereafter 3) of 8 identical records, request id from the context:\n")
	for i := range 8 {
		logger.InfoContext(ctx, "cache miss", "n", i)
	}
	fmt.Fprintf(out, "   sampler dropped %d\n", sampled.Stats().Dropped)

	srv := httptest.NewServer(slogx.LevelHandler(&level))
	defer srv.Close()
	get := func() string {
		resp, err := http.Get(srv.URL)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return strings.TrimSpace(string(b))
	}
	fmt.Fprintf(out, "-- LevelHandler: GET %s\n", get())
	logger.Debug("invisible at INFO")
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"level":"DEBUG"}`))
	if err != nil {
		return err
	}
	resp.Body.Close()
	fmt.Fprintf(out, "   POST {\"level\":\"DEBUG\"} -> GET %s\n", get())
	logger.Debug("visible now")
	if err := slogx.Close(sampled); err != nil {
		return err
	}

	io.WriteString(out, "-- Console (colored on a terminal; plain here, since out is not one):\n")
	console := slog.New(sinks.NewStream(out, &slogx.Options{Level: slog.LevelDebug,
		Encoder: slogx.Console(slogx.ConsoleOptions{Writer: out})}))
	console.Info("listening", "port", 8080, slog.Group("tls", "on", true))
	console.Error("query failed", "db", "main", "err", errors.New("timeout\nwhile reading row 3"))
	return nil
}
