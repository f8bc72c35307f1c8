package slogx

import (
	"bytes"
	"context"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestAppendTextStringMatchesSlog compares appendTextString, whose word-at-a-time scan
// (textScan) decides most strings, with slog.TextHandler on random strings built from the
// bytes that change its decision, at every length around the word sizes.
func TestAppendTextStringMatchesSlog(t *testing.T) {
	alphabet := []string{"a", "Z", "0", "-", ".", " ", "=", "\"", "\\", "\x7f", "\x01", "\t", "\n",
		"é", "\u2028", "\xff", "~", "!"}
	var out bytes.Buffer
	h := slog.NewTextHandler(&out, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey || a.Key == slog.LevelKey || a.Key == slog.MessageKey {
			return slog.Attr{}
		}
		return a
	}})
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 100000 {
		var sb strings.Builder
		n := i % 24
		plainOnly := rng.IntN(3) == 0 // mostly plain strings, as logs have
		for range n {
			if plainOnly {
				sb.WriteString(alphabet[rng.IntN(7)])
			} else {
				sb.WriteString(alphabet[rng.IntN(len(alphabet))])
			}
		}
		s := sb.String()
		out.Reset()
		r := slog.NewRecord(time.Time{}, slog.LevelInfo, "", 0)
		r.AddAttrs(slog.String("k", s))
		if err := h.Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(strings.TrimPrefix(out.String(), "k="), "\n")
		if got := string(appendTextString(nil, s)); got != want {
			t.Fatalf("appendTextString(%q) = %s, slog writes %s", s, got, want)
		}
	}
}
