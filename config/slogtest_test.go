package config

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"testing/slogtest"

	"github.com/slogx/handlers/slogx"
)

// TestLoggerSlogtest: a configured logger's handler — level, logger filters (a registered
// one, per record), handler filters and the fan-out to the chain's handlers — passes
// testing/slogtest.
func TestLoggerSlogtest(t *testing.T) {
	var mu sync.Mutex
	bufs := map[*testing.T]*bytes.Buffer{}
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		var buf bytes.Buffer
		r := NewRegistry()
		r.Register("test.Buffer", func(a *Args, opts *slogx.Options) (slog.Handler, error) {
			return slogx.NewHandler(&buf, opts), nil
		})
		r.RegisterFilter("test.All", func(a *Args) (Filter, error) {
			return func(_ context.Context, _ string, _ slog.Record) bool { return true }, nil
		})
		l, err := r.Parse([]byte(`{"version": 1,
		  "formatters": {"j": {"class": "slogx.JSON"}},
		  "filters": {"all": {"()": "test.All"}, "app": {"name": "app"}},
		  "handlers": {"b": {"class": "test.Buffer", "formatter": "j", "filters": ["all", "app"]}},
		  "loggers": {"app": {"level": "DEBUG", "filters": ["all"]}},
		  "root": {"handlers": ["b"]}}`))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		mu.Lock()
		bufs[t] = &buf
		mu.Unlock()
		return l.Logger("app.x").Handler()
	}, func(t *testing.T) map[string]any {
		var m map[string]any
		mu.Lock()
		b := bytes.TrimSpace(bufs[t].Bytes())
		mu.Unlock()
		if len(b) == 0 {
			return map[string]any{}
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		return m
	})
}
