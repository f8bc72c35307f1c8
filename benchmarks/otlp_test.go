package benchmarks

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/netsink/otlp/otlptest"
)

// BenchmarkOTLP measures the caller's cost of one 5attrs record (the prepared record of
// BenchmarkHandle) handed to an OTLP/HTTP logs pipeline whose receiver, an httptest server on
// loopback, reads every request and counts the log records in it:
//
//	BenchmarkOTLP/5attrs/otelslog-sdk       go.opentelemetry.io/contrib/bridges/otelslog over
//	                                        the OTel SDK's LoggerProvider with its
//	                                        BatchProcessor and the otlploghttp exporter,
//	                                        defaults (the anchor). Its queue holds 2,048
//	                                        records and OnEmit drops a record when it is
//	                                        full, silently: delivered/op shows what arrived.
//	BenchmarkOTLP/5attrs/otelslog-sdk-full  the same pipeline with the BatchProcessor's queue
//	                                        (WithMaxQueueSize) at least b.N, so nothing is
//	                                        dropped: every record is exported, in batches of
//	                                        the default 512, and delivered/op must be 1. The
//	                                        SDK allocates the queue's b.N slots up front
//	                                        (before the timer starts); the row loops over b.N
//	                                        rather than b.Loop, which has no b.N to size by.
//	BenchmarkOTLP/5attrs/slogx-otlp         otlp.New, protobuf; delivered/op must be 1
//	BenchmarkOTLP/5attrs/slogx-otlp-json    otlp.New with JSON; delivered/op must be 1
//
// The full row is the equal-work comparison: the SDK offers no blocking BatchProcessor, and
// its SimpleProcessor exports each record in a request of its own, which is not the batching
// pipeline the anchor stands for; a queue as deep as the run is what slogx-otlp does with
// its 64 MiB buffer.
//
// ns/op and allocs are the calling goroutine's Handle; cpu-ns/op is the whole process per
// record from the first Handle to the end of Shutdown or Close, so the draining of what
// was queued counts: encoding, batching, the requests and the server reading them.
// wire-B/op is request bytes received per record handled, delivered/op log records
// received per record handled.
func BenchmarkOTLP(b *testing.B) {
	r := cases[1].record()
	ctx := context.Background()
	b.Run("5attrs", func(b *testing.B) {
		for _, full := range []bool{false, true} {
			name := map[bool]string{false: "otelslog-sdk", true: "otelslog-sdk-full"}[full]
			b.Run(name, func(b *testing.B) {
				rcv := newOTLPCounter(b)
				var opts []sdklog.BatchProcessorOption
				if full {
					opts = append(opts, sdklog.WithMaxQueueSize(max(b.N, 2048)))
				}
				h, shutdown := otelslogHandler(b, rcv.URL, opts...)
				start, ok := cpuTime()
				if full {
					// b.N is the run's length only in a b.N loop (b.Loop sets it as it goes),
					// and the queue must be sized before the first record.
					b.ReportAllocs()
					b.ResetTimer()
					for range b.N {
						if err := h.Handle(ctx, r); err != nil {
							b.Fatal(err)
						}
					}
				} else {
					loop(b, false, func() error { return h.Handle(ctx, r) })
				}
				b.StopTimer()
				shutdown()
				otlpReport(b, rcv, start, ok, full)
			})
		}
		for _, json := range []bool{false, true} {
			name := map[bool]string{false: "slogx-otlp", true: "slogx-otlp-json"}[json]
			b.Run(name, func(b *testing.B) {
				rcv := newOTLPCounter(b)
				h, err := otlp.New(otlp.Options{URL: rcv.URL + "/v1/logs", Protocol: map[bool]string{false: "http/protobuf", true: "http/json"}[json], Delivery: netsink.Delivery{Buffer: 64 << 20}}, nil)
				if err != nil {
					b.Fatal(err)
				}
				start, ok := cpuTime()
				loop(b, false, func() error { return h.Handle(ctx, r) })
				b.StopTimer()
				if err := h.Close(); err != nil {
					b.Fatal(err)
				}
				if s := h.Stats(); s.Errors != 0 || s.Dropped != 0 {
					b.Fatalf("stats %+v", s)
				}
				otlpReport(b, rcv, start, ok, true)
			})
		}
	})
}

// otlpCounter is an OTLP/HTTP logs receiver stand-in: it reads every request, counts its
// bytes and the log records in it, and answers 200 with an empty body. A request it cannot
// count is answered 400 and kept as an error.
//
// The receiver's work is part of every row's whole-process figures (cpu-ns/op, and the
// instructions instr.sh counts), so it stays what reading the bytes costs: protobuf requests
// are counted by walking the envelope (ExportLogsServiceRequest → ResourceLogs → ScopeLogs →
// LogRecord) without decoding the records, which TestOTLPCounterAgreesWithDecode checks
// against otlptest.Decode; JSON requests are kept and decoded with otlptest.Decode by
// Delivered, after the measurement.
type otlpCounter struct {
	*httptest.Server
	bytes, records atomic.Int64
	bufs           sync.Pool // of *bytes.Buffer
	mu             sync.Mutex
	json           [][]byte // JSON bodies not yet counted
	err            error    // the first request that could not be counted
}

func newOTLPCounter(tb testing.TB) *otlpCounter {
	c := &otlpCounter{bufs: sync.Pool{New: func() any { return new(bytes.Buffer) }}}
	c.Server = httptest.NewServer(http.HandlerFunc(c.serve))
	tb.Cleanup(c.Close)
	return c
}

func (c *otlpCounter) serve(w http.ResponseWriter, r *http.Request) {
	// A buffer of the largest request so far, reused: reading into a fresh one per request
	// would add its allocation, growth and collection to every row's figures.
	body := c.bufs.Get().(*bytes.Buffer)
	defer c.bufs.Put(body)
	body.Reset()
	n, err := body.ReadFrom(io.LimitReader(r.Body, 64<<20))
	c.bytes.Add(n)
	if err == nil {
		if enc := r.Header.Get("Content-Encoding"); enc != "" && enc != "identity" {
			err = fmt.Errorf("count OTLP request: Content-Encoding %q, want none", enc)
		}
	}
	if err == nil && r.Header.Get("Content-Type") == "application/json" {
		c.mu.Lock()
		c.json = append(c.json, bytes.Clone(body.Bytes()))
		c.mu.Unlock()
		return
	}
	var recs int
	if err == nil {
		recs, err = countOTLP(body.Bytes(), false)
	}
	if err != nil {
		c.fail(err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.records.Add(int64(recs))
}

func (c *otlpCounter) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

// Delivered returns the number of log records received, decoding the JSON requests kept,
// and the first request that could not be counted.
func (c *otlpCounter) Delivered() (int64, error) {
	c.mu.Lock()
	bodies := c.json
	c.json = nil
	c.mu.Unlock()
	for _, body := range bodies {
		n, err := countOTLP(body, true)
		if err != nil {
			c.fail(err)
		}
		c.records.Add(int64(n))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.records.Load(), c.err
}

// countOTLP returns the number of log records in an uncompressed export request body.
func countOTLP(body []byte, isJSON bool) (int, error) {
	if isJSON {
		recs, err := otlptest.Decode(body, true)
		return len(recs), err
	}
	// Field numbers from opentelemetry-proto: ExportLogsServiceRequest.resource_logs = 1,
	// ResourceLogs.scope_logs = 2, ScopeLogs.log_records = 2.
	n := 0
	err := protoEach(body, 1, func(rl []byte) error {
		return protoEach(rl, 2, func(sl []byte) error {
			return protoEach(sl, 2, func([]byte) error { n++; return nil })
		})
	})
	if err != nil {
		return 0, fmt.Errorf("count OTLP protobuf request: %w", err)
	}
	return n, nil
}

// protoEach calls f with the payload of every length-delimited field number num of message
// b, skipping the other fields.
func protoEach(b []byte, num protowire.Number, f func([]byte) error) error {
	for len(b) > 0 {
		n, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return protowire.ParseError(l)
		}
		b = b[l:]
		if n == num && typ == protowire.BytesType {
			v, l := protowire.ConsumeBytes(b)
			if l < 0 {
				return protowire.ParseError(l)
			}
			if err := f(v); err != nil {
				return err
			}
			b = b[l:]
			continue
		}
		if n == num {
			return fmt.Errorf("field %d has wire type %d, want length-delimited", num, typ)
		}
		l = protowire.ConsumeFieldValue(n, typ, b)
		if l < 0 {
			return protowire.ParseError(l)
		}
		b = b[l:]
	}
	return nil
}

// otelslogHandler is otelslog over the SDK's batch processor (with opts, else its defaults)
// and OTLP/HTTP exporter, exporting to url. shutdown flushes and stops it.
func otelslogHandler(b testing.TB, url string, opts ...sdklog.BatchProcessorOption) (slog.Handler, func()) {
	exp, err := otlploghttp.New(context.Background(), otlploghttp.WithEndpointURL(url+"/v1/logs"))
	if err != nil {
		b.Fatal(err)
	}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewBatchProcessor(exp, opts...)))
	h := otelslog.NewHandler("bench", otelslog.WithLoggerProvider(lp))
	return h, func() {
		if err := lp.Shutdown(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// otlpReport reports wire-B/op and delivered/op, and cpu-ns/op from start (when ok) to
// now, replacing loop's figure so that the drain after the loop counts. With mustDeliver,
// a row whose receiver did not get exactly b.N records fails.
func otlpReport(b *testing.B, rcv *otlpCounter, start int64, ok, mustDeliver bool) {
	if end, ok2 := cpuTime(); ok && ok2 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
	got, err := rcv.Delivered()
	if err != nil {
		b.Fatal(err)
	}
	if mustDeliver && got != int64(b.N) {
		b.Fatalf("the receiver got %d records of %d", got, b.N)
	}
	b.ReportMetric(float64(rcv.bytes.Load())/float64(b.N), "wire-B/op")
	b.ReportMetric(float64(got)/float64(b.N), "delivered/op")
}

// Every pipeline of BenchmarkOTLP delivers what it is given (equal work): ten records
// handed to each are ten records counted at the receiver, the default anchor (which drops
// only when its 2,048-record queue is full) included.
func TestOTLPEveryPipelineDelivers(t *testing.T) {
	r := cases[1].record()
	ctx := context.Background()
	for _, full := range []bool{false, true} {
		rcv := newOTLPCounter(t)
		var opts []sdklog.BatchProcessorOption
		if full {
			opts = append(opts, sdklog.WithMaxQueueSize(4096))
		}
		h, shutdown := otelslogHandler(t, rcv.URL, opts...)
		for range 10 {
			if err := h.Handle(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		shutdown()
		if n, err := rcv.Delivered(); err != nil || n != 10 {
			t.Fatalf("otelslog (full queue %v): %d records counted, error %v", full, n, err)
		}
	}
	for _, protocol := range []string{"http/protobuf", "http/json"} {
		rcv := newOTLPCounter(t)
		o, err := otlp.New(otlp.Options{URL: rcv.URL + "/v1/logs", Protocol: protocol}, nil)
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
		n, err := rcv.Delivered()
		if s := o.Stats(); s.Records != 10 || err != nil || n != 10 {
			t.Fatalf("slogx %s: stats %+v, %d records counted, error %v", protocol, s, n, err)
		}
	}
}

// The receiver's protobuf walk counts what the specification's decoder (otlptest.Decode)
// finds, on the requests both pipelines send, and refuses what it cannot walk.
func TestOTLPCounterAgreesWithDecode(t *testing.T) {
	r := cases[1].record()
	ctx := context.Background()
	rcv := otlptest.NewReceiver(t, otlptest.Options{})
	h, shutdown := otelslogHandler(t, rcv.Endpoint())
	o, err := otlp.New(otlp.Options{URL: rcv.URL()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 7 {
		if err := h.Handle(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := o.Handle(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	shutdown()
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, req := range rcv.Requests() {
		n, err := countOTLP(req.Body, req.JSON)
		if err != nil || n != len(req.Records) {
			t.Fatalf("counted %d, error %v; otlptest.Decode found %d", n, err, len(req.Records))
		}
		total += n
		if len(req.Body) > 1 {
			if _, err := countOTLP(req.Body[:len(req.Body)-1], false); err == nil {
				t.Fatal("a truncated request was counted")
			}
		}
	}
	if total != 14 {
		t.Fatalf("counted %d records in all, want 14", total)
	}
}
