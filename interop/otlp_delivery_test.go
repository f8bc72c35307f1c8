package interop

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/slogx"
)

// otlpErrs collects what OnError received.
type otlpErrs struct {
	mu   sync.Mutex
	errs []string
}

func (e *otlpErrs) add(err error) { e.mu.Lock(); e.errs = append(e.errs, err.Error()); e.mu.Unlock() }
func (e *otlpErrs) String() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return strings.Join(e.errs, "\n")
}

// A receiver stopped and started again on the same port loses nothing: the batches that
// failed meanwhile are retried, in order, until it is back.
func TestOTLPCollectorRestart(t *testing.T) {
	addr := otlpFreeAddr(t)
	rc := startOTLPReceiver(t, addr, nil)
	errs := &otlpErrs{}
	h, err := otlp.New(otlp.Options{URL: rc.url(),

		Resource: []slog.Attr{slog.String("service.name", "interop")}, TraceContext: otlpTraceContext, Delivery: netsink.Delivery{BatchRecords: 100, MaxRetries: 1000,
			Backoff: netsink.Backoff{Initial: 10 * time.Millisecond, Max: 50 * time.Millisecond}},
	},
		&slogx.Options{Level: slog.Level(-8), OnError: errs.add})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	base := time.Date(2026, 11, 30, 12, 0, 0, 1, time.UTC)
	lg := slog.New(h)
	lg.Info("before the restart")
	otlpFlush(t, h)
	otlpWaitCount(t, rc.sink, 1)
	rc.stop()
	sink := rc.sink
	sink.Reset()
	// Logged while the receiver is down: the sender retries.
	otlpLog(t, h, base)
	time.Sleep(200 * time.Millisecond)
	if n := sink.LogRecordCount(); n != 0 {
		t.Fatalf("%d records delivered to a stopped receiver", n)
	}
	startOTLPReceiver(t, addr, sink)
	otlpFlush(t, h)
	otlpWaitCount(t, sink, otlpN)
	otlpCheck(t, otlpRecords(sink), base, "interop")
	if s := h.Stats(); s.Records != otlpN+1 || s.Dropped != 0 || s.Errors != 0 {
		t.Fatalf("stats %+v: %s", s, errs)
	}
}

// An HTTP 503 with Retry-After (from a proxy in front of the receiver) holds the batch for
// the time asked, then it goes through.
func TestOTLPCollectorRetryAfter(t *testing.T) {
	rc := startOTLPReceiver(t, otlpFreeAddr(t), nil)
	proxy := newOTLPFlaky(t, "http://"+rc.addr, 2, "1")
	errs := &otlpErrs{}
	h, err := otlp.New(otlp.Options{URL: proxy.URL + "/v1/logs",

		Resource:     []slog.Attr{slog.String("service.name", "interop")},
		TraceContext: otlpTraceContext, Delivery: netsink.Delivery{Backoff: netsink.Backoff{Initial: time.Millisecond}},
	}, &slogx.Options{Level: slog.Level(-8), OnError: errs.add})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	base := time.Date(2026, 11, 30, 12, 0, 0, 1, time.UTC)
	otlpLog(t, h, base)
	otlpFlush(t, h)
	otlpWaitCount(t, rc.sink, otlpN)
	otlpCheck(t, otlpRecords(rc.sink), base, "interop")
	times, codes := proxy.log()
	if len(codes) < 3 || codes[0] != 503 || codes[1] != 503 || codes[2] != 200 {
		t.Fatalf("codes %v", codes)
	}
	for i := 1; i <= 2; i++ {
		if d := times[i].Sub(times[i-1]); d < time.Second {
			t.Fatalf("retry %d after %v, before Retry-After's 1 s", i, d)
		}
	}
	if s := h.Stats(); s.Records != otlpN || s.Errors != 0 || s.Dropped != 0 {
		t.Fatalf("stats %+v: %s", s, errs)
	}
}

// The end-to-end rate: records logged, encoded, batched, posted, decoded by the receiver.
func TestOTLPCollectorThroughput(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	for _, c := range []struct{ json, gzip bool }{{false, false}, {false, true}, {true, false}} {
		t.Run(fmt.Sprintf("json=%v,gzip=%v", c.json, c.gzip), func(t *testing.T) {
			rc := startOTLPReceiver(t, otlpFreeAddr(t), nil)
			compression := "none"
			if c.gzip {
				compression = "gzip"
			}
			h, err := otlp.New(otlp.Options{URL: rc.url(), Protocol: map[bool]string{false: "http/protobuf", true: "http/json"}[c.json], Compression: compression, Delivery: netsink.Delivery{Buffer: 64 << 20}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			lg := slog.New(h)
			const n = 100000
			start := time.Now()
			for i := range n {
				lg.Info("request served", "method", "GET", "status", 200, "took", time.Millisecond,
					"path", "/api/v1/items", "i", i)
			}
			otlpFlush(t, h)
			otlpWaitCount(t, rc.sink, n)
			el := time.Since(start)
			if s := h.Stats(); s.Records != n || s.Dropped != 0 {
				t.Fatalf("stats %+v", s)
			}
			t.Logf("%d records into the receiver in %v: %.0f records/s", n, el, n/el.Seconds())
		})
	}
}
