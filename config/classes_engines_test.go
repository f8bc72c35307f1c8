package config_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/slogx/handlers/config"
)

// The engines' handlers load from a document and deliver: OTLP to a loopback HTTP server
// (its Stats count the record once the 2xx came back); Forward validates its address and
// keys at load time (it connects lazily).
func TestEngineClasses(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	doc := `{"version": 1,
	  "handlers": {
	    "fwd":  {"class": "slogx.netsink.Forward", "address": "` + ln.Addr().String() + `", "tag": "app", "compress": true},
	    "otlp": {"class": "slogx.netsink.OTLP", "url": "` + srv.URL + `/v1/logs", "scope": "app"}
	  },
	  "root": {"level": "INFO", "handlers": ["otlp"]}}`
	l, err := config.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	l.Logger("app").Info("to the collector")
	if err := l.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if requests.Load() != 1 {
		t.Fatalf("%d OTLP requests, want 1", requests.Load())
	}
	if h := l.Handler("fwd"); h == nil || !h.Enabled(context.Background(), slog.LevelInfo) {
		t.Fatalf("fwd handler %v", h)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	bad := `{"version": 1, "handlers": {"f": {"class": "slogx.netsink.Forward", "address": "localhost:notaport"}}}`
	if _, err := config.Parse([]byte(bad)); err == nil || !strings.Contains(err.Error(), "notaport") {
		t.Fatalf("bad Forward address: %v", err)
	}
	bad = `{"version": 1, "handlers": {"o": {"class": "slogx.netsink.OTLP", "compress": "yes"}}}`
	if _, err := config.Parse([]byte(bad)); err == nil || !strings.Contains(err.Error(), "handlers.o.compress") {
		t.Fatalf("bad OTLP compress: %v", err)
	}
}
