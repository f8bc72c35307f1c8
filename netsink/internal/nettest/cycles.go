package nettest

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

// EncoderSurvivesCycles encodes each of testutil.CyclicValues with enc — as a record attribute,
// inside an SD-ID group and through WithAttrs — and expects a bounded record whose text
// (text(out), or out itself when text is nil) holds the "!CYCLE" marker, and no crash.
// check, when set, looks further at each output.
func EncoderSurvivesCycles(t *testing.T, enc slogx.Encoder, text func([]byte) string, check func(t *testing.T, out []byte)) {
	for vname, v := range testutil.CyclicValues() {
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
