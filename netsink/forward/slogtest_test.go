package forward

import (
	"log/slog"
	"testing"
	"testing/slogtest"

	"github.com/slogx/handlers/netsink/internal/nettest"
)

// TestForwardSlogtest runs testing/slogtest through a Forward server: each record is read
// back from the PackedForward message the server received, EventTime as "time" (absent when
// zero, as slog's rule for a zero time asks) and "message" as slog's "msg".
func TestForwardSlogtest(t *testing.T) {
	nettest.NoLeak(t)
	var f *Handler
	var srv *fwdServer
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		srv = newFwdServer(t, fwdListen(t)).start()
		var err error
		f, err = New(srv.l.Addr().String(), Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}, func(t *testing.T) map[string]any {
		if err := f.Flush(nettest.Ctx(t)); err != nil {
			t.Fatal(err)
		}
		es := srv.waitEntries(t, 1)
		if len(es) != 1 {
			t.Fatalf("%d entries, want 1", len(es))
		}
		m := es[0].Rec
		m[slog.MessageKey] = m["message"]
		delete(m, "message")
		if !es[0].Time.IsZero() {
			m[slog.TimeKey] = es[0].Time
		}
		return m
	})
}
