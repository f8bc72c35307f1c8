package httpsink

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/slogx"
)

// BenchmarkHTTPFormPython is the caller's cost of building Python's form body for a record.
func BenchmarkHTTPFormPython(b *testing.B) {
	enc := newHTTPFormEncoder("root", time.Now()).WithOptions(slogx.EncoderOptions{})
	r := nettest.SourceRecord()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = enc.Append(buf[:0], r)
	}
}

// BenchmarkHTTPNDJSONDelivered sends b.N records as NDJSON batches to an httptest server and
// waits for all of them: the end-to-end cost per delivered record.
func BenchmarkHTTPNDJSONDelivered(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	h, err := New(Options{URL: srv.URL, Format: NDJSON, Delivery: netsink.Delivery{BatchRecords: 1000, Buffer: 64 << 20}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	r := nettest.SourceRecord()
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if n++; n%10000 == 0 {
			_ = h.Flush(ctx) // keep the queue (1<<16) from overflowing
		}
		_ = h.Handle(ctx, r)
	}
	_ = h.Flush(ctx)
	s := h.Stats()
	if s.Dropped != 0 {
		b.Fatalf("dropped %d", s.Dropped)
	}
	b.ReportMetric(float64(s.Bytes)/float64(s.Records), "B/record")
}
