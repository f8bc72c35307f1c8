package slogx_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"testing/slogtest"

	"github.com/slogx/handlers/slogx"
)

func TestFilterSlogtest(t *testing.T) {
	var buf bytes.Buffer
	keepAll := func(context.Context, slog.Record) bool { return true }
	h := slogx.Filter(slogx.NewHandler(&buf, nil), keepAll)
	if err := slogtest.TestHandler(h, func() []map[string]any { return fanoutLines(t, buf.Bytes()) }); err != nil {
		t.Fatal(err)
	}
}

func TestLevelFilterSlogtest(t *testing.T) {
	var buf bytes.Buffer
	h := slogx.LevelFilter(slogx.NewHandler(&buf, &slogx.Options{Level: slog.LevelDebug}), slog.LevelInfo)
	if err := slogtest.TestHandler(h, func() []map[string]any { return fanoutLines(t, buf.Bytes()) }); err != nil {
		t.Fatal(err)
	}
}

type filterKey struct{}

func TestFilter(t *testing.T) {
	target := newFanoutRecorder()
	// Keep records that do not carry secret=true, and everything of requests marked in ctx.
	h := slogx.Filter(target, func(ctx context.Context, r slog.Record) bool {
		if ctx.Value(filterKey{}) != nil {
			return true
		}
		keep := true
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "secret" && a.Value.Bool() {
				keep = false
			}
			return keep
		})
		return keep
	})
	l := slog.New(h).With("svc", "api")
	l.Info("public", "secret", false)
	l.Info("hidden", "secret", true)
	l.InfoContext(context.WithValue(context.Background(), filterKey{}, 1), "audited", "secret", true)
	want := "public svc=api secret=false|audited svc=api secret=true"
	if got := target.records(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if slogx.Filter(target, nil) != target {
		t.Fatal("nil predicate should return h")
	}
}

func TestLevelFilter(t *testing.T) {
	target := newFanoutRecorder()
	var min slog.LevelVar
	min.Set(slog.LevelWarn)
	h := slogx.LevelFilter(target, &min)
	ctx := context.Background()
	if h.Enabled(ctx, slog.LevelInfo) || !h.Enabled(ctx, slog.LevelWarn) {
		t.Fatal("Enabled ignores the level")
	}
	target.level = slog.LevelError
	if h.Enabled(ctx, slog.LevelWarn) {
		t.Fatal("Enabled ignores the target")
	}
	target.level = slog.LevelDebug
	l := slog.New(h).WithGroup("g").With("k", 1)
	l.Info("dropped")
	l.Warn("kept")
	// Handle without Enabled (as another middleware may call it) still filters.
	if err := h.Handle(ctx, fanoutRecord(slog.LevelDebug, "direct")); err != nil {
		t.Fatal(err)
	}
	min.Set(slog.LevelDebug)
	l.Debug("now kept")
	if got := target.records(); got != "kept k=1|now kept k=1" {
		t.Fatalf("got %q", got)
	}
	if !slogx.LevelFilter(target, nil).Enabled(ctx, slog.LevelInfo) || slogx.LevelFilter(target, nil).Enabled(ctx, slog.LevelDebug) {
		t.Fatal("nil level is not Info")
	}
}
