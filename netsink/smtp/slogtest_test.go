package smtp

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"testing/slogtest"

	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/slogx"
)

// TestSMTPSlogtest runs testing/slogtest with the JSON encoder: every record goes through a
// real SMTP session and is parsed back from the received mail's body.
func TestSMTPSlogtest(t *testing.T) {
	nettest.NoLeak(t)
	ts := newSMTPTestServer(t, smtpTestConfig{})
	var h *Handler
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		var err error
		h, err = New(Options{Addr: ts.Addr, From: "app@example.com", To: []string{"ops@example.com"}},
			&slogx.Options{Encoder: slogx.JSON()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		return h
	}, func(t *testing.T) map[string]any {
		nettest.Flush(t, h)
		_, body := smtpParse(t, ts.next(t).Data)
		var m map[string]any
		if err := json.Unmarshal([]byte(strings.TrimSuffix(body, "\n")), &m); err != nil {
			t.Fatalf("body %q: %v", body, err)
		}
		return m
	})
}
