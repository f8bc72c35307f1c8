package httpsink

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/slogx"
)

func httpNew(t *testing.T, o Options, opts *slogx.Options) *Handler {
	t.Helper()
	h, err := New(o, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// httpFormKeys returns the keys of an urlencoded body in order.
func httpFormKeys(t *testing.T, body string) []string {
	t.Helper()
	var keys []string
	for _, kv := range strings.Split(body, "&") {
		k, _, _ := strings.Cut(kv, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	return keys
}

func TestHTTPFormatPythonPOST(t *testing.T) {
	nettest.NoLeak(t)
	ts := newHTTPTestServer(t)
	errs := nettest.NewErrs()
	h := httpNew(t, Options{URL: ts.URL + "/log", Name: "app"}, errs.Opts())
	when := time.Date(2026, 1, 2, 3, 4, 5, 678_900_000, time.UTC)
	r := slog.NewRecord(when, slog.LevelError, "disk full: 100%", nettest.PC())
	r.AddAttrs(slog.String("user", "ann & bob"), slog.Group("req", slog.Int("id", 7)),
		slog.Bool("ok", true), slog.Float64("f", 1.5), slog.String("name", "clash"), slog.Any("nil", nil))
	if err := h.WithAttrs([]slog.Attr{slog.String("svc", "api")}).Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	nettest.Flush(t, h)
	req := ts.next(t)
	if req.Method != "POST" || req.Path != "/log" || req.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("%s %s %q", req.Method, req.Path, req.Header.Get("Content-Type"))
	}
	keys := httpFormKeys(t, string(req.Body))
	want := append(append([]string{}, httpPythonKeys[:20]...), "svc", "user", "req.id", "ok", "f", "_name", "nil")
	if strings.Join(keys, ",") != strings.Join(want, ",") {
		t.Errorf("keys\n got %q\nwant %q", keys, want)
	}
	form, err := url.ParseQuery(string(req.Body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"name": "app", "msg": "disk full: 100%", "args": "()", "levelname": "ERROR", "levelno": "40",
		"filename": "httpsink_test.go", "module": "httpsink_test", "exc_info": "None", "created": "1767323045.6789",
		"msecs": "678.0", "thread": "None", "processName": "MainProcess", "process": strconv.Itoa(os.Getpid()),
		"svc": "api", "user": "ann & bob", "req.id": "7", "ok": "True", "f": "1.5", "_name": "clash", "nil": "None",
	} {
		if got := form.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if !strings.HasSuffix(form.Get("pathname"), "/netsink/httpsink/httpsink_test.go") || form.Get("lineno") == "0" ||
		!strings.HasSuffix(form.Get("funcName"), ".TestHTTPFormatPythonPOST") {
		t.Errorf("source %q %q %q", form.Get("pathname"), form.Get("lineno"), form.Get("funcName"))
	}
	errs.None(t)
	if s := h.Stats(); s.Records != 1 || s.Bytes != uint64(len(req.Body)) {
		t.Errorf("stats %+v", s)
	}
}

func TestHTTPFormatPythonGET(t *testing.T) {
	nettest.NoLeak(t)
	ts := newHTTPTestServer(t)
	h := httpNew(t, Options{URL: ts.URL + "/log?token=abc", Method: "get"}, nil)
	slog.New(h).Info("hi there")
	nettest.Flush(t, h)
	req := ts.next(t)
	if req.Method != "GET" || len(req.Body) != 0 {
		t.Fatalf("%s body %q", req.Method, req.Body)
	}
	q, _ := url.ParseQuery(req.RawQuery)
	if q.Get("token") != "abc" || q.Get("msg") != "hi there" || q.Get("levelname") != "INFO" {
		t.Errorf("query %q", req.RawQuery)
	}
	if q.Get("pathname") == "(unknown file)" {
		t.Error("slog.Logger's pc was not used")
	}
}

func TestHTTPFormatJSONAndBasicAuth(t *testing.T) {
	nettest.NoLeak(t)
	ts := newHTTPTestServer(t)
	h := httpNew(t, Options{URL: ts.URL, Format: JSON, Username: "u", Password: "p:w",
		AllowInsecure: true, Headers: http.Header{"X-Token": {"t1"}}}, nil)
	slog.New(h).With("a", 1).WithGroup("g").Warn("one", "b", 2)
	slog.New(h).Info("two")
	nettest.Flush(t, h)
	for _, want := range []string{`"level":"WARN","msg":"one","a":1,"g":{"b":2}}`, `"msg":"two"}`} {
		req := ts.next(t)
		if u, p, ok := (&http.Request{Header: req.Header}).BasicAuth(); !ok || u != "u" || p != "p:w" {
			t.Errorf("basic auth %q %q %v", u, p, ok)
		}
		if req.Header.Get("X-Token") != "t1" || req.Header.Get("Content-Type") != "application/json" {
			t.Errorf("headers %v", req.Header)
		}
		if !strings.HasSuffix(string(req.Body), want) || !json.Valid(req.Body) {
			t.Errorf("body %s, want suffix %s", req.Body, want)
		}
	}
	ts.none(t)
}

func TestHTTPNDJSONBatches(t *testing.T) {
	nettest.NoLeak(t)
	ts := newHTTPTestServer(t)
	h, err := New(Options{URL: ts.URL, Format: NDJSON, Delivery: netsink.Delivery{BatchRecords: 3, BatchInterval: time.Hour}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(h)
	for i := range 7 {
		l.Info("r", "i", i)
	}
	h.Close() // sends the last, partial batch
	var sizes []int
	next := 0
	for range 3 {
		req := ts.next(t)
		if req.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Errorf("content type %q", req.Header.Get("Content-Type"))
		}
		lines := strings.Split(strings.TrimSuffix(string(req.Body), "\n"), "\n")
		sizes = append(sizes, len(lines))
		for _, line := range lines {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil || m["i"] != float64(next) {
				t.Errorf("line %q (%v), want i=%d", line, err, next)
			}
			next++
		}
	}
	ts.none(t)
	if httpFmtInts(sizes) != "[3 3 1]" {
		t.Errorf("batch sizes %v", sizes)
	}
	if s := h.Stats(); s.Records != 7 {
		t.Errorf("stats %+v", s)
	}
}

func httpFmtInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return "[" + strings.Join(s, " ") + "]"
}

func TestHTTPNDJSONIntervalSends(t *testing.T) {
	nettest.NoLeak(t)
	ts := newHTTPTestServer(t)
	h := httpNew(t, Options{URL: ts.URL, Format: NDJSON, Delivery: netsink.Delivery{BatchInterval: 20 * time.Millisecond}}, nil)
	slog.New(h).Info("a")
	slog.New(h).Info("b")
	for n := 0; n < 2; {
		n += strings.Count(string(ts.next(t).Body), "\n")
	}
}

func TestHTTPRetries(t *testing.T) {
	for _, tc := range []struct {
		name       string
		statuses   []int
		maxRetries int
		requests   int
		delivered  bool
	}{
		{"5xx then ok", []int{503, 500}, 3, 3, true},
		{"5xx exhausted", []int{500, 502, 503}, 2, 3, false},
		{"4xx not retried", []int{400}, 3, 1, false},
		{"429 not retried", []int{429}, 3, 1, false},
		{"3xx is an error", []int{302}, 3, 1, false},
		{"no retries", []int{500}, -1, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nettest.NoLeak(t)
			ts := newHTTPTestServer(t)
			ts.respond(tc.statuses...)
			errs := nettest.NewErrs()
			h := httpNew(t, Options{URL: ts.URL, Format: JSON, Delivery: netsink.Delivery{MaxRetries: tc.maxRetries,
				Backoff: netsink.Backoff{Initial: time.Millisecond}}}, errs.Opts())
			slog.New(h).Error("x")
			nettest.Flush(t, h)
			for range tc.requests {
				ts.next(t)
			}
			ts.none(t)
			s := h.Stats()
			if tc.delivered {
				errs.None(t)
				if s.Records != 1 || s.Errors != 0 {
					t.Errorf("stats %+v", s)
				}
				return
			}
			if err := errs.Next(t); !strings.Contains(err.Error(), "status "+strconv.Itoa(tc.statuses[len(tc.statuses)-1])) {
				t.Errorf("error %v", err)
			}
			if s.Records != 0 || s.Errors != 1 {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

func TestHTTPNetworkErrorRetried(t *testing.T) {
	nettest.NoLeak(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	errs := nettest.NewErrs()
	h, err := New(Options{URL: "http://" + addr + "/", Delivery: netsink.Delivery{MaxRetries: 2, Backoff: netsink.Backoff{Initial: time.Millisecond}}}, errs.Opts())
	if err != nil {
		t.Fatalf("a server down at start-up must not be a construction error: %v", err)
	}
	defer h.Close()
	slog.New(h).Error("lost")
	nettest.Flush(t, h)
	if err := errs.Next(t); !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Errorf("error %v", err)
	}
}

// Delivery.Buffer bounds the bytes held, the request in flight included: with room for two
// records (each about 75 bytes of JSON), the third is dropped while the first is stuck.
func TestHTTPBufferFullDrops(t *testing.T) {
	nettest.NoLeak(t)
	ts := newHTTPTestServer(t)
	release := ts.holdAll()
	defer release()
	errs := nettest.NewErrs()
	h := httpNew(t, Options{URL: ts.URL, Format: JSON, Delivery: netsink.Delivery{Buffer: 170}}, errs.Opts())
	l := slog.New(h)
	l.Info("in flight")
	<-ts.arrived // the sender is now blocked in a request, the queue is empty
	if err := h.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelInfo, "queued", 0)); err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelInfo, "dropped", 0)); !errors.Is(err, slogx.ErrBufferFull) {
		t.Fatalf("want slogx.ErrBufferFull, got %v", err)
	}
	if err := errs.Next(t); !errors.Is(err, slogx.ErrBufferFull) {
		t.Errorf("reported %v", err)
	}
	release()
	nettest.Flush(t, h)
	if s := h.Stats(); s.Records != 2 || s.Dropped != 1 {
		t.Errorf("stats %+v", s)
	}
}

// Under DropOldest a full buffer makes room by dropping the oldest records, counted and
// reported, and the new record is accepted. The oldest is the one in flight: counted as
// dropped, it may still reach the server (as Delivery.Overflow says), so the server sees
// all three here, the newest last.
func TestHTTPDropOldest(t *testing.T) {
	nettest.NoLeak(t)
	ts := newHTTPTestServer(t)
	release := ts.holdAll()
	defer release()
	errs := nettest.NewErrs()
	h := httpNew(t, Options{URL: ts.URL, Format: JSON, Delivery: netsink.Delivery{Buffer: 170, Overflow: slogx.DropOldest}}, errs.Opts())
	l := slog.New(h)
	l.Info("in flight")
	<-ts.arrived
	l.Info("queued")
	if err := h.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelInfo, "newest", 0)); err != nil {
		t.Fatalf("DropOldest refused the new record: %v", err)
	}
	if err := errs.Next(t); !strings.Contains(err.Error(), "dropped 1 oldest") {
		t.Errorf("reported %v", err)
	}
	release()
	nettest.Flush(t, h)
	var msgs []string
	for range 3 {
		msgs = append(msgs, string(ts.next(t).Body))
	}
	ts.none(t)
	if s := h.Stats(); s.Dropped != 1 || !strings.Contains(msgs[2], "newest") {
		t.Errorf("stats %+v, bodies %q", s, msgs)
	}
}

func TestHTTPCloseTimeout(t *testing.T) {
	nettest.NoLeak(t)
	ts := newHTTPTestServer(t)
	release := ts.holdAll()
	defer release()
	errs := nettest.NewErrs()
	h, err := New(Options{URL: ts.URL, Format: JSON, Delivery: netsink.Delivery{CloseTimeout: 10 * time.Millisecond}}, errs.Opts())
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(h)
	l.Info("stuck")
	<-ts.arrived
	l.Info("queued 1")
	l.Info("queued 2")
	// Close returned with the server still holding the request: the request was cancelled
	// and the three records it did not deliver (the one in flight and the two queued) were
	// counted as dropped, once each, as the delivery engine counts a close timeout; Close
	// says so.
	if err := h.Close(); !errors.Is(err, netsink.ErrCloseTimeout) || !strings.Contains(err.Error(), "3 undelivered") {
		t.Fatalf("close: %v", err)
	}
	if s := h.Stats(); s.Errors != 0 || s.Dropped != 3 || s.Records != 0 {
		t.Errorf("stats %+v", s)
	}
	if err := h.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelInfo, "late", 0)); !errors.Is(err, slogx.ErrClosed) {
		t.Errorf("after close: %v", err)
	}
	if err := h.Flush(context.Background()); !errors.Is(err, slogx.ErrClosed) {
		t.Errorf("flush after close: %v", err)
	}
	if err := h.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}

func TestHTTPOptionsValidation(t *testing.T) {
	nettest.NoLeak(t)
	for _, o := range []Options{
		{URL: ""},
		{URL: "ftp://127.0.0.1/"},
		{URL: "http:///nohost"},
		{URL: "http://127.0.0.1/", Method: "DELETE"},
		{URL: "http://127.0.0.1/", Method: "GET", Format: JSON},
		{URL: "http://127.0.0.1/", Format: Format(9)},
		{URL: "http://127.0.0.1/", Username: "u", Password: "p"},
		{URL: "http://u:p@127.0.0.1/"},
		{URL: "http://127.0.0.1/", Headers: http.Header{"Authorization": {"Bearer x"}}},
		{URL: "http://127.0.0.1/", Headers: http.Header{"X-A": {"a\r\nX-Evil: 1"}}},
		{URL: "http://127.0.0.1/", Headers: http.Header{"Bad Name": {"a"}}},
	} {
		if h, err := New(o, nil); err == nil {
			h.Close()
			t.Errorf("accepted %+v", o)
		}
	}
	for _, o := range []Options{
		{URL: "https://127.0.0.1/", Username: "u", Password: "p"},
		{URL: "http://127.0.0.1/", Username: "u", Password: "p", AllowInsecure: true},
		{URL: "http://127.0.0.1/", Method: "put", Format: NDJSON},
	} {
		h, err := New(o, nil)
		if err != nil {
			t.Errorf("refused %+v: %v", o, err)
			continue
		}
		h.Close()
	}
}

func TestHTTPURLCredentials(t *testing.T) {
	nettest.NoLeak(t)
	ts := newHTTPTestServer(t)
	u, _ := url.Parse(ts.URL)
	u.User = url.UserPassword("me", "pw")
	h := httpNew(t, Options{URL: u.String(), AllowInsecure: true}, nil)
	slog.New(h).Info("x")
	nettest.Flush(t, h)
	req := ts.next(t)
	if user, pass, ok := (&http.Request{Header: req.Header}).BasicAuth(); !ok || user != "me" || pass != "pw" {
		t.Errorf("basic auth %q %q", user, pass)
	}
}

func TestHTTPPyFloat(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0.0", 1: "1.0", 1.5: "1.5", 529: "529.0", 1e16: "1e+16", 1.5e-5: "1.5e-05", 1e-4: "0.0001",
		123456789012345.6: "123456789012345.6", -2: "-2.0",
	} {
		if got := string(httpPyFloat(nil, f)); got != want {
			t.Errorf("%v: %q, want %q", f, got, want)
		}
	}
}

func TestHTTPEscapeMatchesQueryEscape(t *testing.T) {
	for _, s := range []string{"", "a b", "100%", "ü&=+?#/\x00\xff", "-._~AZaz09", "é 日本"} {
		if got := string(httpAppendEscaped(nil, s)); got != url.QueryEscape(s) {
			t.Errorf("%q: %q, want %q", s, got, url.QueryEscape(s))
		}
	}
}
