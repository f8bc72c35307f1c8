package otlp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/otlp/otlptest"
	"github.com/slogx/handlers/slogx"
)

// otlpErrs collects what OnError received.
type otlpErrs struct {
	mu   sync.Mutex
	errs []error
}

func (e *otlpErrs) add(err error) { e.mu.Lock(); e.errs = append(e.errs, err); e.mu.Unlock() }
func (e *otlpErrs) String() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return fmt.Sprint(e.errs)
}

func newTestOTLP(t *testing.T, o Options, opts *slogx.Options) *Handler {
	t.Helper()
	h, err := New(o, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

type otlpStringer struct{}

func (otlpStringer) String() string { return "stringer" }

func TestOTLPRecordFields(t *testing.T) {
	for _, isJSON := range []bool{false, true} {
		t.Run(fmt.Sprintf("json=%v", isJSON), func(t *testing.T) {
			rcv := newReceiver(t, otlptest.Options{})
			errs := &otlpErrs{}
			h := newTestOTLP(t, Options{URL: rcv.URL(), Protocol: otlpProtocol(isJSON), Scope: "test-scope",
				Resource: []slog.Attr{slog.String("deployment.environment", "test"), slog.Group("host", slog.Int("cpus", 2))}},
				&slogx.Options{Level: slog.LevelDebug, OnError: errs.add})
			at := time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)
			long := strings.Repeat("x", 20000) // lengths of 2 and 3 varint bytes
			r := slog.NewRecord(at, slog.LevelWarn, "hello \"otlp\"\n", 0)
			r.AddAttrs(
				slog.String("s", "v"), slog.Int("i", -42), slog.Uint64("u", 7), slog.Uint64("big", math.MaxUint64),
				slog.Float64("f", 1.5), slog.Float64("nan", math.NaN()), slog.Bool("b", true),
				slog.Duration("d", time.Second), slog.Time("t", at),
				slog.Any("bytes", []byte{0, 1, 2}), slog.Any("err", errors.New("boom")),
				slog.Any("ints", []int{1, 2, 3}), slog.Any("strs", []string{"a", "b"}),
				slog.Any("map", map[string]any{"k": 1, "j": "x"}), slog.Any("nil", nil),
				slog.Any("stringer", otlpStringer{}), slog.Any("struct", struct{ A int }{1}),
				slog.Group("g", slog.String("a", "1"), slog.Group("h", slog.Int("b", 2)), slog.Group("empty")),
				slog.String("long", long),
			)
			lg := slog.New(h).With("pre", "p").WithGroup("grp")
			if err := lg.Handler().Handle(context.Background(), r); err != nil {
				t.Fatal(err)
			}
			nettest.Flush(t, h)
			req := nth(rcv, 0)
			if req.Path != "/v1/logs" {
				t.Errorf("path %q", req.Path)
			}
			wantCT := map[bool]string{false: "application/x-protobuf", true: "application/json"}[isJSON]
			if ct := req.Header.Get("Content-Type"); ct != wantCT {
				t.Errorf("content type %q", ct)
			}
			recs := decoded(t, req)
			if len(recs) != 1 {
				t.Fatalf("%d records", len(recs))
			}
			rec := recs[0]
			if rec.Scope != "test-scope" || rec.Resource["deployment.environment"] != "test" ||
				rec.Resource["service.name"] != filepath.Base(os.Args[0]) ||
				!reflect.DeepEqual(rec.Resource["host"], map[string]any{"cpus": int64(2)}) {
				t.Errorf("resource %v, scope %q", rec.Resource, rec.Scope)
			}
			if !rec.Time.Equal(at) || rec.ObservedTime.IsZero() || rec.SeverityNumber != 13 ||
				rec.SeverityText != "WARN" || rec.Body != "hello \"otlp\"\n" {
				t.Errorf("record %+v", rec)
			}
			if rec.Attributes["pre"] != "p" || len(rec.AttributeKeys) != 2 {
				t.Errorf("attrs %v", rec.AttributeKeys)
			}
			g := rec.Attributes["grp"].(map[string]any)
			want := map[string]any{
				"s": "v", "i": int64(-42), "u": int64(7), "big": "18446744073709551615",
				"f": 1.5, "b": true, "d": int64(time.Second), "t": "2026-03-04T05:06:07.123456789Z",
				"bytes": []byte{0, 1, 2}, "err": "boom",
				"ints": []any{int64(1), int64(2), int64(3)}, "strs": []any{"a", "b"},
				"map": map[string]any{"j": "x", "k": int64(1)}, "nil": nil, "stringer": "stringer",
				"struct": `{"A":1}`, "g": map[string]any{"a": "1", "h": map[string]any{"b": int64(2)}},
				"long": long,
			}
			nan := g["nan"]
			delete(g, "nan")
			if f, ok := nan.(float64); !ok || !math.IsNaN(f) {
				t.Errorf("nan: %v", nan)
			}
			for k, w := range want {
				if !reflect.DeepEqual(g[k], w) {
					t.Errorf("%s: got %#v, want %#v", k, g[k], w)
				}
			}
			if len(g) != len(want) {
				t.Errorf("got %d attrs, want %d: %v", len(g), len(want), g)
			}
			if s := h.Stats(); s.Records != 1 || s.Errors != 0 || s.Dropped != 0 || s.Bytes != uint64(req.WireBytes) {
				t.Errorf("stats %+v (body %d): %s", s, req.WireBytes, errs)
			}
		})
	}
}

func TestOTLPSeverity(t *testing.T) {
	for _, c := range []struct {
		level slog.Level
		num   uint64
		text  string
	}{
		{-20, 1, "DEBUG-16"}, {-8, 1, "DEBUG-4"}, {-5, 4, "DEBUG-1"},
		{slog.LevelDebug, 5, "DEBUG"}, {-3, 6, "DEBUG+1"}, {slog.LevelInfo, 9, "INFO"}, {2, 11, "INFO+2"},
		{slog.LevelWarn, 13, "WARN"}, {slog.LevelError, 17, "ERROR"}, {11, 20, "ERROR+3"},
		{12, 21, "ERROR+4"}, {15, 24, "ERROR+7"}, {40, 24, "ERROR+32"},
	} {
		if n, s := otlpSeverity(c.level), otlpLevelText(c.level); n != c.num || s != c.text {
			t.Errorf("level %d: got %d %q, want %d %q", c.level, n, s, c.num, c.text)
		}
	}
	if n := otlpSeverity(slogx.FromPythonLevel(50)); n != 21 {
		t.Errorf("Python's CRITICAL: %d", n)
	}
}

func TestOTLPGzipAndHeaders(t *testing.T) {
	rcv := newReceiver(t, otlptest.Options{})
	h := newTestOTLP(t, Options{URL: rcv.URL(), Compression: "gzip", Headers: map[string]string{"x-api-key": "k1"}}, nil)
	lg := slog.New(h)
	for i := range 100 {
		lg.Info("compressible record", "i", i)
	}
	nettest.Flush(t, h)
	n := 0
	for i := 0; n < 100; i++ {
		req := nth(rcv, i)
		if req.Header.Get("Content-Encoding") != "gzip" || req.Header.Get("X-Api-Key") != "k1" || req.WireBytes >= len(req.Body) {
			t.Fatalf("headers %v, %d bytes sent for %d", req.Header, req.WireBytes, len(req.Body))
		}
		for _, r := range decoded(t, req) {
			if r.Attributes["i"] != int64(n) {
				t.Fatalf("record %d: %v", n, r.Attributes)
			}
			n++
		}
	}
}

func TestOTLPEnv(t *testing.T) {
	rcv := newReceiver(t, otlptest.Options{})
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", rcv.Endpoint()+"/base/")
	t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20tok, x-a = 1 ")
	t.Setenv("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "x-a=2")
	t.Setenv("OTEL_SERVICE_NAME", "svc")
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "service.name=ignored,team=a%2Cb")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
	h := newTestOTLP(t, Options{}, nil)
	slog.New(h).Info("env")
	nettest.Flush(t, h)
	req := nth(rcv, 0)
	if req.Path != "/base/v1/logs" || req.Header.Get("Authorization") != "Bearer tok" || req.Header.Get("X-A") != "2" || !req.JSON {
		t.Fatalf("path %q headers %v", req.Path, req.Header)
	}
	if res := decoded(t, req)[0].Resource; res["service.name"] != "svc" || res["team"] != "a,b" {
		t.Fatalf("resource %v", res)
	}

	t.Setenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", rcv.Endpoint()+"/exact")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "")
	h2 := newTestOTLP(t, Options{Resource: []slog.Attr{slog.String("service.name", "code")}}, nil)
	slog.New(h2).Info("env")
	nettest.Flush(t, h2)
	req = nth(rcv, 1)
	if res := decoded(t, req)[0].Resource; req.Path != "/exact" || req.JSON || res["service.name"] != "code" {
		t.Fatalf("path %q resource %v", req.Path, res)
	}

	t.Setenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	tr, err := otlpNewTransport(&Options{})
	if err != nil || tr.url != "http://localhost:4318/v1/logs" {
		t.Fatalf("default url %v, %v", tr, err)
	}
	for _, bad := range []string{"novalue", "k=%zz"} {
		t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", bad)
		if _, err := New(Options{}, nil); err == nil || !strings.Contains(err.Error(), "netsink: otlp http://localhost:4318/v1/logs: OTEL_EXPORTER_OTLP_HEADERS") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", "")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
	if _, err := New(Options{}, nil); err == nil {
		t.Error("grpc accepted")
	}
}

func TestOTLPValidation(t *testing.T) {
	for _, o := range []Options{
		{URL: "ftp://x/v1/logs"}, {URL: "http:///v1/logs"}, {URL: "http://x", Headers: map[string]string{"a b": "c"}},
		{URL: "http://x", Headers: map[string]string{"a": "c\r\nd"}}, {URL: "http://x", Delivery: netsink.Delivery{Overflow: 9}},
		{URL: "http://x", Resource: []slog.Attr{slog.Int("", 1)}},
	} {
		if _, err := New(o, nil); err == nil || !strings.HasPrefix(err.Error(), "netsink: otlp") {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

// otlpClock is a test clock the handler's engine and Retry-After read.
type otlpClock struct {
	mu    sync.Mutex
	now   time.Time
	reads int
}

func (c *otlpClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads++
	return c.now
}

func (c *otlpClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *otlpClock) readCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads
}

func TestOTLPRetryAfter(t *testing.T) {
	for _, header := range []string{"120", "date"} {
		t.Run(header, func(t *testing.T) {
			rcv := newReceiver(t, otlptest.Options{})
			clock := &otlpClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			ra := header
			if header == "date" {
				ra = clock.now.Add(120 * time.Second).Format(http.TimeFormat)
			}
			answer := make(chan struct{})
			rcv.Respond(1, otlptest.Response{Status: http.StatusServiceUnavailable, RetryAfter: ra, Hold: answer})
			errs := &otlpErrs{}
			o := Options{URL: rcv.URL(), now: clock.Now, Delivery: netsink.Delivery{Backoff: netsink.Backoff{Initial: time.Millisecond}}}
			h := newTestOTLP(t, o, &slogx.Options{OnError: errs.add})
			lg := slog.New(h)
			lg.Info("one")
			rcv.WaitRequests(1) // the 503, held until answer is closed
			// The sender reads the clock twice more before it waits: to date the answer
			// (and, for an HTTP date, to parse it before that), and to check the schedule.
			// Only then may the clock move, or the wait would count from the moved clock.
			base := clock.readCount()
			close(answer)
			for deadline := time.Now().Add(10 * time.Second); clock.readCount() < base+2 && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			// The backoff alone (1 ms) would allow a retry; Retry-After does not, yet.
			clock.advance(60 * time.Second)
			// Counted before the log call: the sender may wake and read the clock before
			// Info returns, and a count taken after would wait for a read that never comes.
			before := clock.readCount()
			lg.Info("two") // reads the clock once (the observed time); the sender then once
			for deadline := time.Now().Add(10 * time.Second); clock.readCount() < before+2 && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			if n := len(rcv.Requests()); n != 1 {
				t.Fatalf("%d requests before Retry-After elapsed, want 1", n)
			}
			clock.advance(61 * time.Second)
			lg.Info("three")
			nettest.Flush(t, h)
			var msgs []any
			for _, r := range rcv.WaitRecords(3) {
				msgs = append(msgs, r.Body)
			}
			if !reflect.DeepEqual(msgs, []any{"one", "two", "three"}) {
				t.Fatalf("got %v", msgs)
			}
			if s := h.Stats(); s.Records != 3 || s.Errors != 0 || s.Dropped != 0 {
				t.Fatalf("stats %+v: %s", s, errs)
			}
		})
	}
}

func TestOTLPRetryAfterParse(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		v  string
		d  time.Duration
		ok bool
	}{
		{"", 0, false}, {"x", 0, false}, {"-1", 0, false}, {"0", 0, true}, {"3", 3 * time.Second, true},
		{"99999999999999", otlpMaxRetryAfter, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{now.Add(10 * time.Second).Format(http.TimeFormat), 10 * time.Second, true},
		{now.Add(100 * time.Hour).Format(http.TimeFormat), otlpMaxRetryAfter, true},
	} {
		if d, ok := otlpRetryAfter(c.v, now); d != c.d || ok != c.ok {
			t.Errorf("%q: %v %v, want %v %v", c.v, d, ok, c.d, c.ok)
		}
	}
}

func TestOTLPStatuses(t *testing.T) {
	for _, c := range []struct {
		status  int
		retried bool
	}{{429, true}, {502, true}, {503, true}, {504, true}, {500, false}, {400, false}, {401, false}, {404, false}} {
		t.Run(fmt.Sprint(c.status), func(t *testing.T) {
			rcv := newReceiver(t, otlptest.Options{})
			rcv.Respond(1, otlptest.Response{Status: c.status, Body: pbString(nil, otlpStatusMessage, "the reason")})
			errs := &otlpErrs{}
			h := newTestOTLP(t, Options{URL: rcv.URL(), Delivery: netsink.Delivery{Backoff: netsink.Backoff{Initial: time.Millisecond}}}, &slogx.Options{OnError: errs.add})
			slog.New(h).Info("x")
			nettest.Flush(t, h)
			nth(rcv, 0)
			s := h.Stats()
			if c.retried {
				nth(rcv, 1)
				if s.Records != 1 || s.Errors != 0 {
					t.Fatalf("stats %+v: %s", s, errs)
				}
				return
			}
			if n := len(rcv.Requests()); n != 1 {
				t.Fatalf("%d requests, want 1 (not retried)", n)
			}
			if s.Records != 0 || s.Errors != 1 || !strings.Contains(errs.String(), "the reason") ||
				!strings.Contains(errs.String(), "netsink: otlp "+rcv.URL()) {
				t.Fatalf("stats %+v: %s", s, errs)
			}
		})
	}
}

func TestOTLPPartialSuccess(t *testing.T) {
	for _, isJSON := range []bool{false, true} {
		t.Run(fmt.Sprintf("json=%v", isJSON), func(t *testing.T) {
			rcv := newReceiver(t, otlptest.Options{})
			body := func(rejected int64, msg string) []byte {
				if isJSON {
					return fmt.Appendf(nil, `{"partialSuccess":{"rejectedLogRecords":"%d","errorMessage":%q}}`, rejected, msg)
				}
				var ps []byte
				if rejected != 0 {
					ps = pbVarint(ps, otlpPartialRejected, uint64(rejected))
				}
				ps = pbString(ps, otlpPartialMessage, msg)
				return pbBytes(nil, otlpResponsePartialSuccess, ps)
			}
			rcv.Respond(1, otlptest.Response{Body: body(2, "too old")})
			rcv.Respond(1, otlptest.Response{Body: body(0, "just a warning")})
			errs := &otlpErrs{}
			// BatchInterval holds the three records for Flush to send in one request.
			h := newTestOTLP(t, Options{URL: rcv.URL(), Protocol: otlpProtocol(isJSON), Delivery: netsink.Delivery{BatchInterval: time.Hour}}, &slogx.Options{OnError: errs.add})
			lg := slog.New(h)
			for range 3 {
				lg.Info("x")
			}
			nettest.Flush(t, h)
			lg.Info("y")
			nettest.Flush(t, h)
			if s := h.Stats(); s.Records != 2 || s.Dropped != 2 || s.Errors != 0 {
				t.Fatalf("stats %+v: %s", s, errs)
			}
			if e := errs.String(); !strings.Contains(e, "rejected 2 of 3 records: too old") || !strings.Contains(e, "just a warning") {
				t.Fatal(e)
			}
		})
	}
}

type otlpTraceKey struct{}

func TestOTLPTraceContext(t *testing.T) {
	for _, isJSON := range []bool{false, true} {
		t.Run(fmt.Sprintf("json=%v", isJSON), func(t *testing.T) {
			rcv := newReceiver(t, otlptest.Options{})
			tc := func(ctx context.Context) ([16]byte, [8]byte, byte, bool) {
				v, ok := ctx.Value(otlpTraceKey{}).([16]byte)
				return v, [8]byte{0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x10, 0x11}, 1, ok
			}
			h := newTestOTLP(t, Options{URL: rcv.URL(), Protocol: otlpProtocol(isJSON), TraceContext: tc}, nil)
			id := [16]byte{0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
			ctx := context.WithValue(context.Background(), otlpTraceKey{}, id)
			lg := slog.New(h).With("a", 1).WithGroup("g")
			lg.InfoContext(ctx, "traced")
			lg.Info("untraced")
			nettest.Flush(t, h)
			recs := rcv.WaitRecords(2)
			if r := recs[0]; r.TraceID != "deadbeef0102030405060708090a0b0c" || r.SpanID != "0a0b0c0d0e0f1011" || r.Flags != 1 {
				t.Errorf("traced: %+v", r)
			}
			if r := recs[1]; r.TraceID != "" || r.SpanID != "" || r.Flags != 0 {
				t.Errorf("untraced: %+v", r)
			}
		})
	}
}

func TestOTLPAddSourceAndReplaceAttr(t *testing.T) {
	rcv := newReceiver(t, otlptest.Options{})
	h := newTestOTLP(t, Options{URL: rcv.URL()}, &slogx.Options{AddSource: true,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == "secret" {
				return slog.Attr{}
			}
			return a
		}})
	slog.New(h).Info("src", "secret", "x", "kept", 1)
	nettest.Flush(t, h)
	r := rcv.WaitRecords(1)[0]
	if _, ok := r.Attributes["secret"]; ok || r.Attributes["kept"] != int64(1) || r.Attributes["code.line.number"] == nil ||
		!strings.HasSuffix(r.Attributes["code.file.path"].(string), "otlp_test.go") ||
		!strings.Contains(r.Attributes["code.function.name"].(string), "TestOTLPAddSourceAndReplaceAttr") {
		t.Fatalf("attrs %v", r.Attributes)
	}
}

// Close delivers what is queued, even a batch waiting for its interval.
func TestOTLPCloseFlushes(t *testing.T) {
	rcv := newReceiver(t, otlptest.Options{})
	h, err := New(Options{URL: rcv.URL(), Delivery: netsink.Delivery{BatchInterval: time.Hour}}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h).Info("queued")
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if got := rcv.WaitRecords(1); len(got) != 1 || got[0].Body != "queued" {
		t.Fatalf("%+v", got)
	}
	if err := h.Handle(context.Background(), slog.NewRecord(time.Now(), 0, "late", 0)); !errors.Is(err, slogx.ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
}

func otlpBenchRecord() slog.Record { return nettest.SourceRecord() }

func TestOTLPHandleAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items under -race")
	}
	rcv := newReceiver(t, otlptest.Options{Discard: true})
	tc := func(context.Context) ([16]byte, [8]byte, byte, bool) { return [16]byte{1}, [8]byte{2}, 1, true }
	for _, isJSON := range []bool{false, true} {
		h := newTestOTLP(t, Options{URL: rcv.URL(), Protocol: otlpProtocol(isJSON), TraceContext: tc, Delivery: netsink.Delivery{Buffer: 64 << 20}}, nil)
		var hd slog.Handler = h.WithAttrs([]slog.Attr{slog.String("svc", "x")}).WithGroup("req")
		r := otlpBenchRecord()
		ctx := context.Background()
		if n := testing.AllocsPerRun(1000, func() { _ = hd.Handle(ctx, r) }); n != 0 {
			t.Errorf("json=%v: %v allocs per Handle", isJSON, n)
		}
		nettest.Flush(t, h)
	}
}

func BenchmarkOTLPHandle(b *testing.B) {
	for _, isJSON := range []bool{false, true} {
		b.Run(fmt.Sprintf("json=%v", isJSON), func(b *testing.B) {
			rcv := otlptest.NewReceiver(b, otlptest.Options{Discard: true})
			h, err := New(Options{URL: rcv.URL(), Protocol: otlpProtocol(isJSON), Delivery: netsink.Delivery{Overflow: slogx.DropNewest}}, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer h.Close()
			r := otlpBenchRecord()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				_ = h.Handle(ctx, r)
			}
		})
	}
}

// pbClose keeps the encoding canonical around the one-byte guess.
func TestPBClose(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 16383, 16384, 1 << 21} {
		b, at := pbOpen([]byte{0xff}, 3)
		b = append(b, make([]byte, n)...)
		b = pbClose(b, at)
		want := protowire.AppendBytes(protowire.AppendTag([]byte{0xff}, 3, protowire.BytesType), make([]byte, n))
		if string(b) != string(want) {
			t.Fatalf("n=%d: not canonical", n)
		}
	}
}

// BenchmarkOTLPEncode is the encoder's share of Handle.
func BenchmarkOTLPEncode(b *testing.B) {
	for _, isJSON := range []bool{false, true} {
		b.Run(fmt.Sprintf("json=%v", isJSON), func(b *testing.B) {
			enc := newOTLPEncoder(isJSON, nil, time.Now).WithOptions(slogx.EncoderOptions{})
			r := otlpBenchRecord()
			buf := make([]byte, 0, 1024)
			b.ReportAllocs()
			for b.Loop() {
				buf = enc.Append(buf[:0], r)
			}
			b.ReportMetric(float64(len(buf)), "B/record")
		})
	}
}

func TestOTLPTLS(t *testing.T) {
	rcv := newReceiver(t, otlptest.Options{TLS: true})
	h := newTestOTLP(t, Options{URL: rcv.URL(), TLS: rcv.TLSConfig()}, nil)
	slog.New(h).Info("over tls")
	nettest.Flush(t, h)
	if r := rcv.WaitRecords(1); len(r) != 1 || r[0].Body != "over tls" {
		t.Fatalf("%+v", r)
	}
	// Without the test's CA the certificate is refused: a failed batch, counted.
	h2 := newTestOTLP(t, Options{URL: rcv.URL(), Delivery: netsink.Delivery{MaxRetries: -1}}, &slogx.Options{OnError: func(error) {}})
	slog.New(h2).Info("refused")
	nettest.Flush(t, h2)
	if s := h2.Stats(); s.Errors != 1 || s.Records != 0 {
		t.Fatalf("stats %+v", s)
	}
}

// Values of kind Any that nest, repeat or refer to themselves come out bounded and decodable.
func TestOTLPAnyShapes(t *testing.T) {
	cyc := map[string]any{"a": 1}
	cyc["self"] = cyc
	var nilErr *os.PathError
	for _, isJSON := range []bool{false, true} {
		enc := newOTLPEncoder(isJSON, nil, time.Now).WithOptions(slogx.EncoderOptions{})
		r := slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)
		r.AddAttrs(slog.Any("cycle", cyc), slog.Any("arr", [2]byte{1, 2}), slog.Any("nilerr", error(nilErr)),
			slog.Any("attrs", []slog.Attr{slog.Int("x", 1), slog.Group("empty")}),
			slog.Any("nested", []any{[]any{map[string]int{"k": 1}}}))
		b := enc.Append(nil, r)
		var body []byte
		if isJSON {
			body = fmt.Appendf(nil, `{"resourceLogs":[{"resource":{},"scopeLogs":[{"scope":{},"logRecords":[%s]}]}]}`, b)
		} else {
			body = pbBytes(nil, 1, pbBytes(nil, 2, pbBytes(nil, 2, b)))
		}
		recs, err := otlptest.Decode(body, isJSON)
		if err != nil || len(recs) != 1 {
			t.Fatalf("json=%v: %d records, %v", isJSON, len(recs), err)
		}
		rec := recs[0]
		if rec.Attributes["arr"] == nil || rec.Attributes["nilerr"] != "<nil>" ||
			!reflect.DeepEqual(rec.Attributes["attrs"], map[string]any{"x": int64(1)}) ||
			!reflect.DeepEqual(rec.Attributes["nested"], []any{[]any{map[string]any{"k": int64(1)}}}) {
			t.Errorf("json=%v: %#v", isJSON, rec.Attributes)
		}
		depth := 0
		for v := rec.Attributes["cycle"]; ; depth++ {
			m, ok := v.(map[string]any)
			if !ok {
				break
			}
			v = m["self"]
		}
		if depth != otlpMaxDepth {
			t.Errorf("json=%v: cycle cut at depth %d", isJSON, depth)
		}
	}
}

// Compression and Protocol follow OTel's rule per setting: the option when set, then the
// environment (the logs variable before the generic one), then the default. An explicit
// "none" is not overridden by OTEL_EXPORTER_OTLP_COMPRESSION, nor an explicit
// "http/protobuf" by OTEL_EXPORTER_OTLP_PROTOCOL.
func TestOTLPSettingPrecedence(t *testing.T) {
	for _, option := range []struct{ name, def, other string }{
		{"Compression", "none", "gzip"},
		{"Protocol", "http/protobuf", "http/json"},
	} {
		env := strings.ToUpper(option.name)
		d, o := option.def, option.other
		for _, tc := range []struct{ explicit, logsEnv, env, want string }{
			{"", "", "", d},
			{"", "", o, o},
			{"", d, o, d},
			{"", o, d, o},
			{d, o, o, d},
			{o, "", d, o},
		} {
			t.Setenv("OTEL_EXPORTER_OTLP_LOGS_"+env, tc.logsEnv)
			t.Setenv("OTEL_EXPORTER_OTLP_"+env, tc.env)
			got, err := otlpSetting("netsink: otlp", option.name, tc.explicit, d, d, o)
			if err != nil || got != tc.want {
				t.Errorf("%s %+v: %q, %v", option.name, tc, got, err)
			}
		}
		t.Setenv("OTEL_EXPORTER_OTLP_LOGS_"+env, "")
		t.Setenv("OTEL_EXPORTER_OTLP_"+env, "")
		if _, err := otlpSetting("netsink: otlp", option.name, "zstd", d, d, o); err == nil || !strings.Contains(err.Error(), option.name+`="zstd"`) {
			t.Errorf("%s zstd: %v", option.name, err)
		}
		t.Setenv("OTEL_EXPORTER_OTLP_"+env, "br")
		if _, err := otlpSetting("netsink: otlp", option.name, "", d, d, o); err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_"+env) {
			t.Errorf("%s br from the environment: %v", option.name, err)
		}
	}
}

// The handler sends what Compression and Protocol resolve to: explicit "none" and
// "http/protobuf" stay plain protobuf under OTEL_EXPORTER_OTLP_COMPRESSION=gzip and
// OTEL_EXPORTER_OTLP_PROTOCOL=http/json; empty ones take the environment's.
func TestOTLPExplicitSettingsBeatEnvironment(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
	for _, tc := range []struct {
		compression, protocol, encoding, contentType string
	}{
		{"none", "http/protobuf", "", "application/x-protobuf"},
		{"", "", "gzip", "application/json"},
	} {
		rcv := otlptest.NewReceiver(t, otlptest.Options{})
		h, err := New(Options{URL: rcv.URL(), Compression: tc.compression, Protocol: tc.protocol}, nil)
		if err != nil {
			t.Fatal(err)
		}
		slog.New(h).Info("x")
		req := rcv.WaitRequests(1)[0]
		if g := [2]string{req.Header.Get("Content-Encoding"), req.Header.Get("Content-Type")}; g[0] != tc.encoding || g[1] != tc.contentType {
			t.Errorf("%+v: Content-Encoding %q, Content-Type %q", tc, g[0], g[1])
		}
		if err := h.Close(); err != nil {
			t.Error(err)
		}
		rcv.Close()
	}
}

// otlpProtocol is the Protocol of the JSON or protobuf variant of a test.
func otlpProtocol(json bool) string {
	if json {
		return "http/json"
	}
	return "http/protobuf"
}
