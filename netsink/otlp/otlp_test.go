package otlp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
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
			ts := newOTLPTestServer(t)
			errs := &otlpErrs{}
			h := newTestOTLP(t, Options{URL: ts.URL + "/v1/logs", Protocol: otlpProtocol(isJSON), Scope: "test-scope",
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
			req := ts.next(t)
			if req.Path != "/v1/logs" {
				t.Errorf("path %q", req.Path)
			}
			wantCT := map[bool]string{false: "application/x-protobuf", true: "application/json"}[isJSON]
			if ct := req.Header.Get("Content-Type"); ct != wantCT {
				t.Errorf("content type %q", ct)
			}
			got := otlpDecodeRequest(t, req.Body, isJSON)
			if got.Scope != "test-scope" || got.Resource["deployment.environment"] != "test" ||
				got.Resource["service.name"] != filepath.Base(os.Args[0]) ||
				!reflect.DeepEqual(got.Resource["host"], map[string]any{"cpus": int64(2)}) {
				t.Errorf("resource %v, scope %q", got.Resource, got.Scope)
			}
			if len(got.Records) != 1 {
				t.Fatalf("%d records", len(got.Records))
			}
			rec := got.Records[0]
			if rec.Time != uint64(at.UnixNano()) || rec.Observed == 0 || rec.Severity != 13 ||
				rec.SeverityText != "WARN" || rec.Body != "hello \"otlp\"\n" {
				t.Errorf("record %+v", rec)
			}
			if rec.Attrs["pre"] != "p" || len(rec.AttrOrder) != 2 {
				t.Errorf("attrs %v", rec.AttrOrder)
			}
			g := rec.Attrs["grp"].(map[string]any)
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
			if s := h.Stats(); s.Records != 1 || s.Errors != 0 || s.Dropped != 0 || s.Bytes != uint64(req.Raw) {
				t.Errorf("stats %+v (body %d): %s", s, req.Raw, errs)
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
	ts := newOTLPTestServer(t)
	h := newTestOTLP(t, Options{URL: ts.URL + "/v1/logs", Compression: "gzip", Headers: map[string]string{"x-api-key": "k1"}}, nil)
	lg := slog.New(h)
	for i := range 100 {
		lg.Info("compressible record", "i", i)
	}
	nettest.Flush(t, h)
	n := 0
	for n < 100 {
		req := ts.next(t)
		if req.Header.Get("Content-Encoding") != "gzip" || req.Header.Get("X-Api-Key") != "k1" {
			t.Fatalf("headers %v", req.Header)
		}
		got := otlpDecodeRequest(t, req.Body, false)
		for _, r := range got.Records {
			if r.Attrs["i"] != int64(n) {
				t.Fatalf("record %d: %v", n, r.Attrs)
			}
			n++
		}
	}
}

func TestOTLPEnv(t *testing.T) {
	ts := newOTLPTestServer(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", ts.URL+"/base/")
	t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20tok, x-a = 1 ")
	t.Setenv("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "x-a=2")
	t.Setenv("OTEL_SERVICE_NAME", "svc")
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "service.name=ignored,team=a%2Cb")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
	h := newTestOTLP(t, Options{}, nil)
	slog.New(h).Info("env")
	nettest.Flush(t, h)
	req := ts.next(t)
	if req.Path != "/base/v1/logs" || req.Header.Get("Authorization") != "Bearer tok" || req.Header.Get("X-A") != "2" {
		t.Fatalf("path %q headers %v", req.Path, req.Header)
	}
	got := otlpDecodeRequest(t, req.Body, true)
	if got.Resource["service.name"] != "svc" || got.Resource["team"] != "a,b" {
		t.Fatalf("resource %v", got.Resource)
	}

	t.Setenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", ts.URL+"/exact")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "")
	h2 := newTestOTLP(t, Options{Resource: []slog.Attr{slog.String("service.name", "code")}}, nil)
	slog.New(h2).Info("env")
	nettest.Flush(t, h2)
	req = ts.next(t)
	if got := otlpDecodeRequest(t, req.Body, false); req.Path != "/exact" || got.Resource["service.name"] != "code" {
		t.Fatalf("path %q resource %v", req.Path, got.Resource)
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
			ts := newOTLPTestServer(t)
			clock := &otlpClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			ra := header
			if header == "date" {
				ra = clock.now.Add(120 * time.Second).Format(http.TimeFormat)
			}
			answered := make(chan int, 1)
			ts.respond(func(w http.ResponseWriter) {
				answered <- clock.readCount()
				w.Header().Set("Retry-After", ra)
				w.WriteHeader(http.StatusServiceUnavailable)
			})
			errs := &otlpErrs{}
			o := Options{URL: ts.URL, now: clock.Now, Delivery: netsink.Delivery{Backoff: netsink.Backoff{Initial: time.Millisecond}}}
			h := newTestOTLP(t, o, &slogx.Options{OnError: errs.add})
			lg := slog.New(h)
			lg.Info("one")
			ts.next(t) // the 503
			// The sender reads the clock twice more before it waits: to date the answer
			// (and, for an HTTP date, to parse it before that), and to check the schedule.
			// Only then may the clock move, or the wait would count from the moved clock.
			base := <-answered
			for deadline := time.Now().Add(10 * time.Second); clock.readCount() < base+2 && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			// The backoff alone (1 ms) would allow a retry; Retry-After does not, yet.
			clock.advance(60 * time.Second)
			lg.Info("two")
			before := clock.readCount() // the observed time of "two" read, the sender's next
			for deadline := time.Now().Add(10 * time.Second); clock.readCount() == before && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			ts.none(t)
			clock.advance(61 * time.Second)
			lg.Info("three")
			nettest.Flush(t, h)
			var msgs []any
			for len(msgs) < 3 {
				for _, r := range otlpDecodeRequest(t, ts.next(t).Body, false).Records {
					msgs = append(msgs, r.Body)
				}
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
			ts := newOTLPTestServer(t)
			ts.respond(func(w http.ResponseWriter) {
				w.Header().Set("Content-Type", "application/x-protobuf")
				w.WriteHeader(c.status)
				_, _ = w.Write(pbString(nil, otlpStatusMessage, "the reason"))
			})
			errs := &otlpErrs{}
			h := newTestOTLP(t, Options{URL: ts.URL, Delivery: netsink.Delivery{Backoff: netsink.Backoff{Initial: time.Millisecond}}}, &slogx.Options{OnError: errs.add})
			slog.New(h).Info("x")
			nettest.Flush(t, h)
			ts.next(t)
			s := h.Stats()
			if c.retried {
				ts.next(t)
				if s.Records != 1 || s.Errors != 0 {
					t.Fatalf("stats %+v: %s", s, errs)
				}
				return
			}
			ts.none(t)
			if s.Records != 0 || s.Errors != 1 || !strings.Contains(errs.String(), "the reason") ||
				!strings.Contains(errs.String(), "netsink: otlp "+ts.URL) {
				t.Fatalf("stats %+v: %s", s, errs)
			}
		})
	}
}

func TestOTLPPartialSuccess(t *testing.T) {
	for _, isJSON := range []bool{false, true} {
		t.Run(fmt.Sprintf("json=%v", isJSON), func(t *testing.T) {
			ts := newOTLPTestServer(t)
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
			reply := func(b []byte) func(w http.ResponseWriter) {
				return func(w http.ResponseWriter) {
					w.Header().Set("Content-Type", map[bool]string{false: "application/x-protobuf", true: "application/json"}[isJSON])
					_, _ = w.Write(b)
				}
			}
			ts.respond(reply(body(2, "too old")), reply(body(0, "just a warning")))
			errs := &otlpErrs{}
			// BatchInterval holds the three records for Flush to send in one request.
			h := newTestOTLP(t, Options{URL: ts.URL, Protocol: otlpProtocol(isJSON), Delivery: netsink.Delivery{BatchInterval: time.Hour}}, &slogx.Options{OnError: errs.add})
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
			ts := newOTLPTestServer(t)
			tc := func(ctx context.Context) ([16]byte, [8]byte, byte, bool) {
				v, ok := ctx.Value(otlpTraceKey{}).([16]byte)
				return v, [8]byte{0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x10, 0x11}, 1, ok
			}
			h := newTestOTLP(t, Options{URL: ts.URL, Protocol: otlpProtocol(isJSON), TraceContext: tc}, nil)
			id := [16]byte{0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
			ctx := context.WithValue(context.Background(), otlpTraceKey{}, id)
			lg := slog.New(h).With("a", 1).WithGroup("g")
			lg.InfoContext(ctx, "traced")
			lg.Info("untraced")
			nettest.Flush(t, h)
			var recs []otlpTestRecord
			for len(recs) < 2 {
				recs = append(recs, otlpDecodeRequest(t, ts.next(t).Body, isJSON).Records...)
			}
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
	ts := newOTLPTestServer(t)
	h := newTestOTLP(t, Options{URL: ts.URL}, &slogx.Options{AddSource: true,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == "secret" {
				return slog.Attr{}
			}
			return a
		}})
	slog.New(h).Info("src", "secret", "x", "kept", 1)
	nettest.Flush(t, h)
	r := otlpDecodeRequest(t, ts.next(t).Body, false).Records[0]
	if r.Attrs["secret"] != nil || r.Attrs["kept"] != int64(1) || r.Attrs["code.line.number"] == nil ||
		!strings.HasSuffix(r.Attrs["code.file.path"].(string), "otlp_test.go") ||
		!strings.Contains(r.Attrs["code.function.name"].(string), "TestOTLPAddSourceAndReplaceAttr") {
		t.Fatalf("attrs %v", r.Attrs)
	}
}

// Close delivers what is queued, even a batch waiting for its interval.
func TestOTLPCloseFlushes(t *testing.T) {
	ts := newOTLPTestServer(t)
	h, err := New(Options{URL: ts.URL, Delivery: netsink.Delivery{BatchInterval: time.Hour}}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h).Info("queued")
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if got := otlpDecodeRequest(t, ts.next(t).Body, false).Records; len(got) != 1 || got[0].Body != "queued" {
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
	ts := newOTLPTestServer(t)
	tc := func(context.Context) ([16]byte, [8]byte, byte, bool) { return [16]byte{1}, [8]byte{2}, 1, true }
	for _, isJSON := range []bool{false, true} {
		h := newTestOTLP(t, Options{URL: ts.URL, Protocol: otlpProtocol(isJSON), TraceContext: tc, Delivery: netsink.Delivery{Buffer: 64 << 20}}, nil)
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
			ts := newOTLPTestServer(b)
			h, err := New(Options{URL: ts.URL, Protocol: otlpProtocol(isJSON), Delivery: netsink.Delivery{Overflow: slogx.DropNewest}}, nil)
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
	nettest.NoLeak(t)
	got := make(chan otlpTestRequest, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := otlpDecodeProtoRequest(body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		got <- req
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below
	srv.StartTLS()
	defer srv.Close()
	tlsConf := srv.Client().Transport.(*http.Transport).TLSClientConfig
	h := newTestOTLP(t, Options{URL: srv.URL + "/v1/logs", TLS: tlsConf}, nil)
	slog.New(h).Info("over tls")
	nettest.Flush(t, h)
	if r := <-got; len(r.Records) != 1 || r.Records[0].Body != "over tls" {
		t.Fatalf("%+v", r)
	}
	// Without the test's CA the certificate is refused: a failed batch, counted.
	h2 := newTestOTLP(t, Options{URL: srv.URL + "/v1/logs", Delivery: netsink.Delivery{MaxRetries: -1}}, &slogx.Options{OnError: func(error) {}})
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
		rec := otlpDecodeRequest(t, body, isJSON).Records[0]
		if rec.Attrs["arr"] == nil || rec.Attrs["nilerr"] != "<nil>" ||
			!reflect.DeepEqual(rec.Attrs["attrs"], map[string]any{"x": int64(1)}) ||
			!reflect.DeepEqual(rec.Attrs["nested"], []any{[]any{map[string]any{"k": int64(1)}}}) {
			t.Errorf("json=%v: %#v", isJSON, rec.Attrs)
		}
		depth := 0
		for v := rec.Attrs["cycle"]; ; depth++ {
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
		got := make(chan [2]string, 1)
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case got <- [2]string{r.Header.Get("Content-Encoding"), r.Header.Get("Content-Type")}:
			default:
			}
		}))
		h, err := New(Options{URL: ts.URL + "/v1/logs", Compression: tc.compression, Protocol: tc.protocol}, nil)
		if err != nil {
			t.Fatal(err)
		}
		slog.New(h).Info("x")
		if g := <-got; g[0] != tc.encoding || g[1] != tc.contentType {
			t.Errorf("%+v: Content-Encoding %q, Content-Type %q", tc, g[0], g[1])
		}
		if err := h.Close(); err != nil {
			t.Error(err)
		}
		ts.Close()
	}
}

// otlpProtocol is the Protocol of the JSON or protobuf variant of a test.
func otlpProtocol(json bool) string {
	if json {
		return "http/json"
	}
	return "http/protobuf"
}
