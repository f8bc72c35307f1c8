package otlp

import (
	"fmt"
	"log/slog"
	"testing"
	"testing/slogtest"

	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/otlp/otlptest"
)

// TestOTLPSlogtest runs testing/slogtest over real requests, both encodings, reading each
// LogRecord back as slogtest's map: time, level (severity_text), msg (body), attributes with
// kvlists as nested maps.
func TestOTLPSlogtest(t *testing.T) {
	for _, isJSON := range []bool{false, true} {
		t.Run(fmt.Sprintf("json=%v", isJSON), func(t *testing.T) {
			var h *Handler
			var rcv *otlptest.Receiver
			slogtest.Run(t, func(t *testing.T) slog.Handler {
				rcv = newReceiver(t, otlptest.Options{})
				var err error
				h, err = New(Options{URL: rcv.URL(), Protocol: otlpProtocol(isJSON)}, nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { h.Close() })
				return h
			}, func(t *testing.T) map[string]any {
				nettest.Flush(t, h)
				recs := decoded(t, nth(rcv, 0))
				if n := len(rcv.Requests()); n != 1 || len(recs) != 1 {
					t.Fatalf("one record expected, got %d in %d requests", len(recs), n)
				}
				r := recs[0]
				m := map[string]any{slog.LevelKey: r.SeverityText, slog.MessageKey: r.Body}
				if !r.Time.IsZero() {
					m[slog.TimeKey] = r.Time
				}
				for k, v := range r.Attributes {
					m[k] = v
				}
				return m
			})
		})
	}
}
