package slogx

import (
	"bytes"
	"context"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestTextAttrsMatchesTextHandler compares TextAttrs with slog.TextHandler minus its
// time, level and msg, through WithAttrs, WithGroup and AddSource.
func TestTextAttrsMatchesTextHandler(t *testing.T) {
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	for _, addSource := range []bool{false, true} {
		drop := func(gs []string, a slog.Attr) slog.Attr {
			if len(gs) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey || a.Key == slog.MessageKey) {
				return slog.Attr{}
			}
			return a
		}
		var buf bytes.Buffer
		var th slog.Handler = slog.NewTextHandler(&buf, &slog.HandlerOptions{AddSource: addSource, ReplaceAttr: drop})
		var enc Encoder = TextAttrs().WithOptions(EncoderOptions{AddSource: addSource})
		steps := []func(){
			func() {},
			func() {
				th = th.WithAttrs([]slog.Attr{slog.String("a", "x y")})
				enc = enc.WithAttrs([]slog.Attr{slog.String("a", "x y")})
			},
			func() { th = th.WithGroup("g"); enc = enc.WithGroup("g") },
			func() {
				th = th.WithAttrs([]slog.Attr{slog.Int("n", 1), slog.Group("e")})
				enc = enc.WithAttrs([]slog.Attr{slog.Int("n", 1), slog.Group("e")})
			},
		}
		for i, step := range steps {
			step()
			for _, r := range []slog.Record{
				slog.NewRecord(time.Now(), slog.LevelInfo, "m", pcs[0]),
				func() slog.Record {
					r := slog.NewRecord(time.Now(), slog.LevelInfo, "m", pcs[0])
					r.Add("k", "v", slog.Group("h", "q", `"quoted"`), "empty", slog.GroupValue(), "d", time.Second)
					return r
				}(),
			} {
				buf.Reset()
				th.Handle(context.Background(), r)
				want := strings.TrimSuffix(buf.String(), "\n")
				if got := string(enc.Append(nil, r)); got != want {
					t.Errorf("source=%v step %d: got %q, want %q", addSource, i, got, want)
				}
			}
		}
	}
}
