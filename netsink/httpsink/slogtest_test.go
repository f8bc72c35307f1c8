package httpsink

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"testing/slogtest"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/nettest"
)

// TestHTTPSlogtest runs testing/slogtest over real HTTP requests in the JSON and NDJSON
// formats, parsing the bodies the server received.
func TestHTTPSlogtest(t *testing.T) {
	for _, f := range []Format{JSON, NDJSON} {
		t.Run(f.String(), func(t *testing.T) {
			nettest.NoLeak(t)
			ts := newHTTPTestServer(t)
			var h *Handler
			slogtest.Run(t, func(t *testing.T) slog.Handler {
				var err error
				h, err = New(Options{URL: ts.URL, Format: f, Delivery: netsink.Delivery{BatchInterval: 0}}, nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { h.Close() })
				return h
			}, func(t *testing.T) map[string]any {
				nettest.Flush(t, h)
				body := strings.TrimSuffix(string(ts.next(t).Body), "\n")
				ts.none(t)
				if strings.Contains(body, "\n") {
					t.Fatalf("one record expected, got %q", body)
				}
				var m map[string]any
				if err := json.Unmarshal([]byte(body), &m); err != nil {
					t.Fatalf("body %q: %v", body, err)
				}
				return m
			})
		})
	}
}
