package otlp

import (
	"fmt"
	"log/slog"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/slogx/handlers/netsink/internal/nettest"
)

// TestOTLPSlogtest runs testing/slogtest over real requests, both encodings, reading each
// LogRecord back as slogtest's map: time, level (severity_text), msg (body), attributes with
// kvlists as nested maps.
func TestOTLPSlogtest(t *testing.T) {
	for _, isJSON := range []bool{false, true} {
		t.Run(fmt.Sprintf("json=%v", isJSON), func(t *testing.T) {
			ts := newOTLPTestServer(t)
			var h *Handler
			slogtest.Run(t, func(t *testing.T) slog.Handler {
				var err error
				h, err = New(Options{URL: ts.URL, Protocol: otlpProtocol(isJSON)}, nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { h.Close() })
				return h
			}, func(t *testing.T) map[string]any {
				nettest.Flush(t, h)
				recs := otlpDecodeRequest(t, ts.next(t).Body, isJSON).Records
				ts.none(t)
				if len(recs) != 1 {
					t.Fatalf("one record expected, got %d", len(recs))
				}
				r := recs[0]
				m := map[string]any{slog.LevelKey: r.SeverityText, slog.MessageKey: r.Body}
				if r.Time != 0 {
					m[slog.TimeKey] = time.Unix(0, int64(r.Time))
				}
				for k, v := range r.Attrs {
					m[k] = v
				}
				return m
			})
		})
	}
}
