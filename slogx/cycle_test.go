package slogx_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

// TestEncodersSurviveCycles logs each self-containing value with every slogx encoder: the
// record is written, bounded, with a marker where the value recurses.
func TestEncodersSurviveCycles(t *testing.T) {
	for _, enc := range []struct {
		name   string
		e      slogx.Encoder
		marker string
	}{
		{"JSON", slogx.JSON(), "cycle"}, // encoding/json's own error, as slog.JSONHandler prints it
		{"Text", slogx.Text(), "!CYCLE"},
		{"Pattern", slogx.MustPattern("%(levelname)s %(message)s %(attrs)s", ""), "!CYCLE"},
		{"Pattern escaped", func() slogx.Encoder {
			e, _ := slogx.PatternWith("%(name)s %(message)s %(attrs)s", "", slogx.PatternOptions{EscapeControls: true})
			return e
		}(), "!CYCLE"},
	} {
		for name, v := range testutil.CyclicValues() {
			t.Run(enc.name+"/"+name, func(t *testing.T) {
				var buf bytes.Buffer
				l := slog.New(slogx.NewHandler(&buf, &slogx.Options{Encoder: enc.e})).With(slogx.LoggerKey, v)
				l.Info("m", "v", v)
				out := buf.String()
				if buf.Len() > 4096 || strings.Count(out, "\n") != 1 {
					t.Fatalf("%d bytes: %.300q", buf.Len(), out)
				}
				if name != "pointer struct" && !strings.Contains(out, enc.marker) {
					t.Fatalf("no %q in %q", enc.marker, out)
				}
				if name == "pointer struct" && !strings.Contains(out, "!CYCLE") && !strings.Contains(out, "cycle") {
					t.Fatalf("the map inside the struct: no marker in %q", out)
				}
			})
		}
	}
}
