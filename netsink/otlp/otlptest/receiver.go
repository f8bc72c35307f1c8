package otlptest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink/internal/testpeer"
)

// DefaultMaxBody is the largest request body a Receiver reads when Options.MaxBody is
// zero, as sent and again decompressed.
const DefaultMaxBody = 64 << 20

// Options configure a Receiver. The zero value serves plain HTTP on a new port of 127.0.0.1
// and keeps everything it decodes.
type Options struct {
	// TLS serves HTTPS with a certificate of httptest's; TLSConfig returns what a client
	// needs to trust it.
	TLS bool
	// MaxBody bounds a request body in bytes, as sent and decompressed; zero means
	// DefaultMaxBody. A larger one is answered 413.
	MaxBody int
	// Discard answers 200 without decoding or keeping requests: for benchmarks, whose
	// millions of records a test need not hold. Requests and Records stay empty.
	Discard bool
}

// Response is how a Receiver answers a request (see Respond).
type Response struct {
	// Status is the HTTP status; zero means 200. The records of a request answered other
	// than 2xx are kept in Requests, not in Records: the client is expected to send them
	// again.
	Status int
	// RetryAfter, when set, is sent as the Retry-After header (seconds or an HTTP date).
	RetryAfter string
	// Body and ContentType are the response body (a partial success, a google.rpc.Status)
	// and its type; the default is an empty export response of the request's type.
	Body        []byte
	ContentType string
	// Delay holds the answer for this long; Hold, until the channel is closed. Close
	// abandons both.
	Delay time.Duration
	Hold  <-chan struct{}
	// CloseConnection closes the connection instead of answering: a receiver that died.
	CloseConnection bool
}

// Receiver is an OTLP/HTTP logs receiver for tests. Its methods are safe for concurrent use.
type Receiver struct {
	srv  *httptest.Server
	tb   testing.TB // nil when started by Start
	o    Options
	done chan struct{}
	once sync.Once

	records testpeer.Log[Record]
	reqs    testpeer.Log[Request]

	mu      sync.Mutex
	answers []answer
}

// answer is a Response for the next n requests.
type answer struct {
	Response
	n int
}

// NewReceiver starts a Receiver for the test tb on a free port of 127.0.0.1 and closes it
// when tb and its subtests end. What its server would log goes to tb.Logf.
func NewReceiver(tb testing.TB, o Options) *Receiver {
	r := start(o, tb)
	tb.Cleanup(r.Close)
	return r
}

// Start starts a Receiver outside a test (a demo, an example, a program's own checks); the
// caller closes it. Like httptest.NewServer, it panics if it cannot listen on loopback.
func Start(o Options) *Receiver { return start(o, nil) }

func start(o Options, tb testing.TB) *Receiver {
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	r := &Receiver{tb: tb, o: o, done: make(chan struct{})}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	if tb != nil {
		r.srv.Config.ErrorLog = log.New(tbWriter{tb}, "otlptest: ", 0)
	}
	if o.TLS {
		r.srv.StartTLS()
	} else {
		r.srv.Start()
	}
	return r
}

// tbWriter sends the server's log lines to the test's log.
type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Logf("%s", bytes.TrimSuffix(p, []byte("\n")))
	return len(p), nil
}

// URL returns the logs endpoint, ending in /v1/logs (what otlp.Options.URL and
// OTEL_EXPORTER_OTLP_LOGS_ENDPOINT take). The Receiver answers every path alike.
func (r *Receiver) URL() string { return r.srv.URL + "/v1/logs" }

// Endpoint returns the base URL, without /v1/logs (what OTEL_EXPORTER_OTLP_ENDPOINT takes).
func (r *Receiver) Endpoint() string { return r.srv.URL }

// TLSConfig returns a client configuration trusting the Receiver's certificate (with
// Options.TLS), or nil.
func (r *Receiver) TLSConfig() *tls.Config {
	if !r.o.TLS {
		return nil
	}
	return r.srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
}

// Close abandons held answers, stops the server and waits for its requests. It is
// idempotent.
func (r *Receiver) Close() {
	r.once.Do(func() {
		close(r.done)
		r.srv.Close()
	})
}

// Records returns the records of the requests answered 2xx so far, in arrival order.
func (r *Receiver) Records() []Record { return r.records.All() }

// WaitRecords waits until at least n records were received (in requests answered 2xx) and
// returns them all. Under a test it fails the test (call it on the test's goroutine) shortly
// before the test binary's deadline, or if the receiver is closed first; a receiver from
// Start waits until n arrived or it is closed.
func (r *Receiver) WaitRecords(n int) []Record {
	if r.tb != nil {
		r.tb.Helper()
	}
	return r.records.Wait(r.tb, n, r.done, "OTLP records")
}

// Requests returns every request so far, whatever it was answered, in arrival order.
func (r *Receiver) Requests() []Request { return r.reqs.All() }

// WaitRequests is WaitRecords for requests: it returns them all once there are n.
func (r *Receiver) WaitRequests(n int) []Request {
	if r.tb != nil {
		r.tb.Helper()
	}
	return r.reqs.Wait(r.tb, n, r.done, "OTLP requests")
}

// Respond answers the next n requests with resp, after the answers queued before. The
// requests are decoded and kept all the same.
func (r *Receiver) Respond(n int, resp Response) {
	r.mu.Lock()
	r.answers = append(r.answers, answer{resp, n})
	r.mu.Unlock()
}

// next takes the answer of the next request: the queued one, or nil for 200.
func (r *Receiver) next() *Response {
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(r.answers) > 0 && r.answers[0].n <= 0 {
		r.answers = r.answers[1:]
	}
	if len(r.answers) == 0 {
		return nil
	}
	a := r.answers[0].Response
	r.answers[0].n--
	return &a
}

func (r *Receiver) serve(w http.ResponseWriter, hr *http.Request) {
	req := Request{Path: hr.URL.Path, Header: hr.Header.Clone()}
	status, err := r.read(w, hr, &req)
	if r.o.Discard && err == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	if err != nil {
		req.Err, req.Status = err, status
		r.reqs.Add(req)
		if r.tb != nil {
			r.tb.Logf("otlptest: %s %s: %v", hr.Method, hr.URL.Path, err)
		}
		http.Error(w, err.Error(), status)
		return
	}
	resp := r.next() // a request refused above leaves the queued answers to the next ones
	if resp == nil {
		resp = &Response{}
	}
	req.Status = resp.Status
	if req.Status == 0 {
		req.Status = http.StatusOK
	}
	if resp.CloseConnection {
		req.Status = 0
	}
	if req.Status/100 == 2 {
		r.records.Add(req.Records...)
	}
	r.reqs.Add(req)
	if !r.wait(resp) {
		return
	}
	if resp.CloseConnection {
		if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
			c.Close()
		}
		return
	}
	ct, body := resp.ContentType, resp.Body
	if ct == "" {
		ct = "application/x-protobuf"
		if req.JSON {
			ct = "application/json"
		}
		if body == nil && req.JSON {
			body = []byte("{}")
		}
	}
	w.Header().Set("Content-Type", ct)
	if resp.RetryAfter != "" {
		w.Header().Set("Retry-After", resp.RetryAfter)
	}
	w.WriteHeader(req.Status)
	_, _ = w.Write(body)
}

// wait holds an answer for its Delay and its Hold; false when Close came first.
func (r *Receiver) wait(resp *Response) bool {
	if resp.Delay > 0 {
		t := time.NewTimer(resp.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.done:
			return false
		}
	}
	if resp.Hold != nil {
		select {
		case <-resp.Hold:
		case <-r.done:
			return false
		}
	}
	return true
}

// read reads, decompresses and decodes the request into req; on failure it returns the
// status to answer with.
func (r *Receiver) read(w http.ResponseWriter, hr *http.Request, req *Request) (int, error) {
	if hr.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, fmt.Errorf("method %s, want POST", hr.Method)
	}
	mt, _, err := mime.ParseMediaType(hr.Header.Get("Content-Type"))
	switch {
	case err != nil:
		return http.StatusUnsupportedMediaType, fmt.Errorf("Content-Type: %w", err)
	case mt == "application/json":
		req.JSON = true
	case mt != "application/x-protobuf":
		return http.StatusUnsupportedMediaType, fmt.Errorf("Content-Type %q, want application/x-protobuf or application/json", mt)
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, hr.Body, int64(r.o.MaxBody)))
	req.WireBytes = len(raw)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return http.StatusRequestEntityTooLarge, fmt.Errorf("body over %d bytes", r.o.MaxBody)
		}
		return http.StatusBadRequest, fmt.Errorf("reading the body: %w", err)
	}
	if r.o.Discard {
		return 0, nil
	}
	req.Body = raw
	switch enc := strings.ToLower(hr.Header.Get("Content-Encoding")); enc {
	case "gzip":
		if req.Body, err = testpeer.Gunzip(raw, r.o.MaxBody); err != nil {
			if errors.Is(err, testpeer.ErrTooLarge) {
				return http.StatusRequestEntityTooLarge, err
			}
			return http.StatusBadRequest, err
		}
	case "", "identity":
	default:
		return http.StatusUnsupportedMediaType, fmt.Errorf("Content-Encoding %q, want gzip or none", enc)
	}
	if req.Records, err = Decode(req.Body, req.JSON); err != nil {
		return http.StatusBadRequest, err
	}
	return 0, nil
}

// Decode decodes the body of an export request (ExportLogsServiceRequest), protobuf or, with
// isJSON, the OTLP/JSON mapping, into its records: what a Receiver does with each request.
// body is not retained; nesting beyond MaxDepth is an error.
func Decode(body []byte, isJSON bool) ([]Record, error) {
	if isJSON {
		recs, err := decodeJSON(body)
		if err != nil {
			return nil, fmt.Errorf("OTLP/JSON request: %w", err)
		}
		return recs, nil
	}
	recs, err := decodeProto(body)
	if err != nil {
		return nil, fmt.Errorf("OTLP protobuf request: %w", err)
	}
	return recs, nil
}
