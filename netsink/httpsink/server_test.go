package httpsink

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// httpTestReq is one request an httpTestServer received.
type httpTestReq struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// httpTestServer is a real HTTP server (net/http/httptest) on 127.0.0.1 that records requests
// and answers with the statuses queued by respond (200 once they run out).
type httpTestServer struct {
	*httptest.Server
	Reqs chan httpTestReq

	mu       sync.Mutex
	statuses []int
	hold     chan struct{} // when set, handlers wait for it to close before answering
	arrived  chan struct{} // signalled (non-blocking) when a held request arrives
}

func newHTTPTestServer(t testing.TB) *httpTestServer {
	ts := &httpTestServer{Reqs: make(chan httpTestReq, 1000), arrived: make(chan struct{}, 100)}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		ts.mu.Lock()
		status := http.StatusOK
		if len(ts.statuses) > 0 {
			status, ts.statuses = ts.statuses[0], ts.statuses[1:]
		}
		hold := ts.hold
		ts.mu.Unlock()
		ts.Reqs <- httpTestReq{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header, Body: body}
		if hold != nil {
			ts.arrived <- struct{}{}
			select {
			case <-hold:
			case <-r.Context().Done():
			}
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *httpTestServer) respond(statuses ...int) {
	ts.mu.Lock()
	ts.statuses = append(ts.statuses, statuses...)
	ts.mu.Unlock()
}

// holdAll makes every later request wait until release is called.
func (ts *httpTestServer) holdAll() (release func()) {
	ch := make(chan struct{})
	ts.mu.Lock()
	ts.hold = ch
	ts.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { close(ch) }) }
}

func (ts *httpTestServer) next(t testing.TB) httpTestReq {
	t.Helper()
	select {
	case r := <-ts.Reqs:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no request arrived")
		return httpTestReq{}
	}
}

func (ts *httpTestServer) none(t testing.TB) {
	t.Helper()
	select {
	case r := <-ts.Reqs:
		t.Fatalf("unexpected request %s %s %q", r.Method, r.Path, r.Body)
	default:
	}
}
