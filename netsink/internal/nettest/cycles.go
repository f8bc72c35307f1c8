package nettest

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

type cycleNode struct {
	Name string
	Next *cycleNode
	Kids map[string]any
}

// CyclicValues are values that contain themselves: fmt recurses into the map and the slice
// forever, which overflows the stack and kills the test binary.
func CyclicValues() map[string]any {
	m := map[string]any{"k": 1}
	m["self"] = m
	fan := map[string]any{}
	fan["a"], fan["b"] = fan, fan
	s := []any{1, nil}
	s[1] = s
	n := &cycleNode{Name: "n"}
	n.Next = n
	n.Kids = map[string]any{"n": n, "m": m}
	return map[string]any{"map": m, "fan-out map": fan, "slice": s, "pointer struct": n}
}

// EncoderSurvivesCycles encodes each of CyclicValues with enc — as a record attribute,
// inside an SD-ID group and through WithAttrs — and expects a bounded record whose text
// (text(out), or out itself when text is nil) holds the "!CYCLE" marker, and no crash.
// check, when set, looks further at each output.
func EncoderSurvivesCycles(t *testing.T, enc slogx.Encoder, text func([]byte) string, check func(t *testing.T, out []byte)) {
	for vname, v := range CyclicValues() {
		t.Run(vname, func(t *testing.T) {
			r := slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)
			r.AddAttrs(slog.Any("v", v), slog.Group("sd@1", slog.Any("v", v)))
			out := enc.WithAttrs([]slog.Attr{slog.Any("w", v)}).Append(nil, r)
			if len(out) > 4096 {
				t.Fatalf("%d bytes: %.300q", len(out), out)
			}
			s := string(out)
			if text != nil {
				s = text(out)
			}
			if !strings.Contains(s, "!CYCLE") {
				t.Fatalf("no marker in %q", out)
			}
			if check != nil {
				check(t, out)
			}
		})
	}
}
