package benchmarks

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/otlp"
)

// BenchmarkOTLP measures the caller's cost of one 5attrs record (the prepared record of
// BenchmarkHandle) handed to an OTLP/HTTP logs pipeline whose receiver, an httptest server on
// loopback, reads and discards the requests:
//
//	BenchmarkOTLP/5attrs/otelslog-sdk     go.opentelemetry.io/contrib/bridges/otelslog over the
//	                                      OTel SDK's LoggerProvider with its BatchProcessor and
//	                                      the otlploghttp exporter, defaults (the anchor)
//	BenchmarkOTLP/5attrs/slogx-otlp       otlp.New, protobuf
//	BenchmarkOTLP/5attrs/slogx-otlp-json  otlp.New with JSON
//
// ns/op and allocs are the calling goroutine's Handle; cpu-ns/op is the whole process per
// record: encoding, batching, the requests and the server reading them, on both sides.
func BenchmarkOTLP(b *testing.B) {
	r := cases[1].record()
	ctx := context.Background()
	b.Run("5attrs", func(b *testing.B) {
		b.Run("otelslog-sdk", func(b *testing.B) {
			srv, got := otlpDiscardServer(b)
			h, shutdown := otelslogHandler(b, srv.URL)
			loop(b, false, func() error { return h.Handle(ctx, r) })
			b.StopTimer()
			shutdown()
			otlpReport(b, got)
		})
		for _, json := range []bool{false, true} {
			name := map[bool]string{false: "slogx-otlp", true: "slogx-otlp-json"}[json]
			b.Run(name, func(b *testing.B) {
				srv, got := otlpDiscardServer(b)
				h, err := otlp.New(otlp.Options{URL: srv.URL + "/v1/logs", Protocol: map[bool]string{false: "http/protobuf", true: "http/json"}[json], Delivery: netsink.Delivery{Buffer: 64 << 20}}, nil)
				if err != nil {
					b.Fatal(err)
				}
				loop(b, false, func() error { return h.Handle(ctx, r) })
				b.StopTimer()
				if err := h.Close(); err != nil {
					b.Fatal(err)
				}
				if s := h.Stats(); s.Errors != 0 || s.Dropped != 0 {
					b.Fatalf("stats %+v", s)
				}
				otlpReport(b, got)
			})
		}
	})
}

// otlpDiscardServer is an OTLP receiver stand-in that reads every request and answers 200
// with an empty body; it counts the request bytes.
func otlpDiscardServer(b testing.TB) (*httptest.Server, *atomic.Int64) {
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		got.Add(n)
	}))
	b.Cleanup(srv.Close)
	return srv, &got
}

// otelslogHandler is otelslog over the SDK's batch processor and OTLP/HTTP exporter, with
// their defaults, exporting to url. shutdown flushes and stops it.
func otelslogHandler(b testing.TB, url string) (slog.Handler, func()) {
	exp, err := otlploghttp.New(context.Background(), otlploghttp.WithEndpointURL(url+"/v1/logs"))
	if err != nil {
		b.Fatal(err)
	}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewBatchProcessor(exp)))
	h := otelslog.NewHandler("bench", otelslog.WithLoggerProvider(lp))
	return h, func() {
		if err := lp.Shutdown(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

func otlpReport(b *testing.B, got *atomic.Int64) {
	b.ReportMetric(float64(got.Load())/float64(b.N), "wire-B/op")
}

// Both pipelines of BenchmarkOTLP deliver what they are given (equal work): a handful of
// records each reach the server as non-empty requests.
func TestOTLPBothDeliver(t *testing.T) {
	r := cases[1].record()
	ctx := context.Background()
	srv, got := otlpDiscardServer(t)
	h, shutdown := otelslogHandler(t, srv.URL)
	for range 10 {
		if err := h.Handle(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	shutdown()
	if got.Load() == 0 {
		t.Fatal("otelslog delivered nothing")
	}
	srv2, got2 := otlpDiscardServer(t)
	o, err := otlp.New(otlp.Options{URL: srv2.URL + "/v1/logs"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if err := o.Handle(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	if s := o.Stats(); s.Records != 10 || got2.Load() == 0 {
		t.Fatalf("slogx: stats %+v, %d bytes", s, got2.Load())
	}
}
