package netsink_test

// Accounting through the public handlers: after Close, every record handled is in
// Stats().Records or Stats().Dropped, Errors counts failure events, Bytes counts only what
// was delivered; and a record dropped while the peer is down allocates nothing. This file
// uses the public API only.

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/forward"
	"github.com/slogx/handlers/netsink/httpsink"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/netsink/smtp"
	"github.com/slogx/handlers/netsink/syslog"
	"github.com/slogx/handlers/slogx"
	"go.uber.org/goleak"
)

// acctHandler is what every network handler offers.
type acctHandler interface {
	slog.Handler
	Stats() slogx.Stats
	Close() error
}

// refusingHTTP is an HTTP peer that answers every request with status(n), n counting requests
// from 1, and counts the body bytes of the requests it accepted (2xx).
type refusingHTTP struct {
	*httptest.Server
	mu       sync.Mutex
	requests int
	accepted uint64
}

func newRefusingHTTP(t *testing.T, status func(n int) int) *refusingHTTP {
	s := &refusingHTTP{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.requests++
		code := status(s.requests)
		if code/100 == 2 {
			s.accepted += uint64(len(body))
		}
		s.mu.Unlock()
		if code/100 == 3 {
			w.Header().Set("Location", "http://127.0.0.1:1/elsewhere")
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *refusingHTTP) acceptedBytes() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// refusingSMTP is a mail server that refuses every sender with a permanent 550.
func refusingSMTP(t *testing.T) string { return smtpPeer(t, nil) }

var acctBackoff = netsink.Backoff{Initial: time.Millisecond, Max: 2 * time.Millisecond}

// TestEveryRecordCounted: OTLP batches refused for good (400, 500, a redirect) or out of
// retries (503 forever), HTTP requests likewise, SMTP mails refused (550), and the records of
// stream handlers whose peer stayed down: each ends in Dropped, never nowhere.
func TestEveryRecordCounted(t *testing.T) {
	const n = 300
	otlp := func(status func(int) int, batch int) func(t *testing.T) (acctHandler, *refusingHTTP) {
		return func(t *testing.T) (acctHandler, *refusingHTTP) {
			srv := newRefusingHTTP(t, status)
			h, err := otlp.New(otlp.Options{URL: srv.URL + "/v1/logs", Delivery: netsink.Delivery{
				BatchRecords: batch, MaxRetries: 2, Backoff: acctBackoff}}, &slogx.Options{OnError: func(error) {}})
			if err != nil {
				t.Fatal(err)
			}
			return h, srv
		}
	}
	httpH := func(status func(int) int) func(t *testing.T) (acctHandler, *refusingHTTP) {
		return func(t *testing.T) (acctHandler, *refusingHTTP) {
			srv := newRefusingHTTP(t, status)
			h, err := httpsink.New(httpsink.Options{URL: srv.URL, Format: httpsink.NDJSON, Delivery: netsink.Delivery{
				BatchRecords: 10, MaxRetries: 2, Backoff: acctBackoff}}, &slogx.Options{OnError: func(error) {}})
			if err != nil {
				t.Fatal(err)
			}
			return h, srv
		}
	}
	always := func(code int) func(int) int { return func(int) int { return code } }
	// Every third request accepted: Bytes must be what those carried, no more.
	mixed := func(code int) func(int) int {
		return func(i int) int {
			if i%3 == 0 {
				return 200
			}
			return code
		}
	}
	quick := &slogx.Options{OnError: func(error) {}}
	for _, tc := range []struct {
		name string
		open func(t *testing.T) (acctHandler, *refusingHTTP)
	}{
		{"otlp/400", otlp(always(400), 16)},
		{"otlp/500", otlp(always(500), 16)},
		{"otlp/307", otlp(always(307), 16)},
		{"otlp/503-forever", otlp(always(503), 16)},
		{"otlp/400-mixed", otlp(mixed(400), 16)},
		{"otlp/503-mixed", otlp(mixed(503), 16)},
		{"http/400", httpH(always(400))},
		{"http/500-forever", httpH(always(500))},
		{"http/503-mixed", httpH(mixed(503))},
		{"smtp/550", func(t *testing.T) (acctHandler, *refusingHTTP) {
			h, err := smtp.New(smtp.Options{Addr: refusingSMTP(t), From: "app@example.com", To: []string{"ops@example.com"},
				Delivery: netsink.Delivery{BatchInterval: time.Millisecond, BatchRecords: 25, Backoff: acctBackoff}}, quick)
			if err != nil {
				t.Fatal(err)
			}
			return h, nil
		}},
		{"forward/down", func(t *testing.T) (acctHandler, *refusingHTTP) {
			h, err := forward.New(nettest.DownAddr(t), forward.Options{Delivery: netsink.Delivery{
				CloseTimeout: 20 * time.Millisecond, Backoff: acctBackoff}}, quick)
			if err != nil {
				t.Fatal(err)
			}
			return h, nil
		}},
		{"socket/down", func(t *testing.T) (acctHandler, *refusingHTTP) {
			h, err := netsink.NewSocket(nettest.DownAddr(t), netsink.SocketOptions{Delivery: netsink.Delivery{
				CloseTimeout: 20 * time.Millisecond, Backoff: acctBackoff}}, quick)
			if err != nil {
				t.Fatal(err)
			}
			return h, nil
		}},
		{"syslog-tcp/down", func(t *testing.T) (acctHandler, *refusingHTTP) {
			h, err := syslog.New(syslog.Options{Network: "tcp", Addr: nettest.DownAddr(t), Delivery: netsink.Delivery{
				CloseTimeout: 20 * time.Millisecond, Backoff: acctBackoff}}, quick)
			if err != nil {
				t.Fatal(err)
			}
			return h, nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Cleanup(func() { goleak.VerifyNone(t) }) // first in, last out: after the peers stopped
			h, srv := tc.open(t)
			ctx := context.Background()
			for i := range n {
				if err := h.Handle(ctx, slog.NewRecord(time.Now(), slog.LevelError, "record", 0)); err != nil {
					t.Fatalf("record %d: %v", i, err)
				}
			}
			if f, ok := h.(interface{ Flush(context.Context) error }); ok && srv != nil {
				fctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				if err := f.Flush(fctx); err != nil {
					t.Fatal(err)
				}
				cancel()
			}
			h.Close()
			st := h.Stats()
			if st.Records+st.Dropped != n {
				t.Fatalf("Records %d + Dropped %d = %d, want %d (Errors %d)", st.Records, st.Dropped, st.Records+st.Dropped, n, st.Errors)
			}
			if st.Dropped > 0 && st.Errors == 0 {
				t.Errorf("%d dropped without a failure counted", st.Dropped)
			}
			if srv != nil {
				if got := srv.acceptedBytes(); st.Bytes != got {
					t.Errorf("Bytes %d, but the peer accepted %d", st.Bytes, got)
				}
				if strings.HasSuffix(tc.name, "mixed") != (st.Records > 0) {
					t.Errorf("Records %d", st.Records)
				}
			} else if st.Bytes != 0 || st.Records != 0 {
				t.Errorf("nothing was delivered, but Records %d, Bytes %d", st.Records, st.Bytes)
			}
		})
	}
}

// peerDown keeps a handler from retrying during a test: its peer stays down.
var peerDown = netsink.Backoff{Initial: time.Hour}

// TestDropWhilePeerDownAllocs: with the peer down and the buffer full, a Handle that drops
// allocates nothing and still says why (slogx.ErrBufferFull).
func TestDropWhilePeerDownAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("allocation counts are checked without -race")
	}
	quiet := &slogx.Options{OnError: func(error) {}}
	for _, tc := range []struct {
		name string
		open func(t *testing.T) (acctHandler, error)
	}{
		{"forward", func(t *testing.T) (acctHandler, error) {
			return forward.New(nettest.DownAddr(t), forward.Options{Delivery: netsink.Delivery{Buffer: 16 << 10,
				Overflow: slogx.DropNewest, Backoff: peerDown, CloseTimeout: time.Millisecond}}, quiet)
		}},
		{"otlp", func(t *testing.T) (acctHandler, error) {
			return otlp.New(otlp.Options{URL: "http://" + nettest.DownAddr(t) + "/v1/logs", Delivery: netsink.Delivery{
				Buffer: 16 << 10, Backoff: peerDown, CloseTimeout: time.Millisecond}}, quiet)
		}},
		{"socket", func(t *testing.T) (acctHandler, error) {
			return netsink.NewSocket(nettest.DownAddr(t), netsink.SocketOptions{Delivery: netsink.Delivery{Buffer: 16 << 10,
				Overflow: slogx.DropNewest, Backoff: peerDown, CloseTimeout: time.Millisecond}}, quiet)
		}},
		{"socket/default-reporter", func(t *testing.T) (acctHandler, error) {
			return netsink.NewSocket(nettest.DownAddr(t), netsink.SocketOptions{Delivery: netsink.Delivery{Buffer: 16 << 10,
				Backoff: peerDown, CloseTimeout: time.Millisecond}}, &slogx.Options{OnError: nil})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Cleanup(func() { goleak.VerifyNone(t) })
			h, err := tc.open(t)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			ctx := context.Background()
			r := nettest.BenchRecord()
			for range 1000 { // fills the buffer
				_ = h.Handle(ctx, r)
			}
			before := h.Stats().Dropped
			if before == 0 {
				t.Fatal("the buffer did not fill")
			}
			var herr error
			if a := testing.AllocsPerRun(1000, func() { herr = h.Handle(ctx, r) }); a != 0 {
				t.Errorf("a dropped record costs %v allocations", a)
			}
			if !errors.Is(herr, slogx.ErrBufferFull) {
				t.Errorf("Handle returned %v, want an error wrapping slogx.ErrBufferFull", herr)
			}
			if got := h.Stats().Dropped - before; got < 1000 {
				t.Errorf("%d drops counted during the run, want at least 1000", got)
			}
		})
	}
}

// BenchmarkDropWhilePeerDown is the cost of a record dropped while the peer is down, beside a
// JSON Handle of the same record.
func BenchmarkDropWhilePeerDown(b *testing.B) {
	quiet := &slogx.Options{OnError: func(error) {}}
	run := func(b *testing.B, h slog.Handler) {
		ctx := context.Background()
		r := nettest.BenchRecord()
		for range 1000 {
			_ = h.Handle(ctx, r)
		}
		b.ReportAllocs()
		for b.Loop() {
			_ = h.Handle(ctx, r)
		}
	}
	b.Run("json", func(b *testing.B) { run(b, slogx.NewHandler(io.Discard, nil)) })
	b.Run("forward", func(b *testing.B) {
		h, err := forward.New("127.0.0.1:1", forward.Options{Delivery: netsink.Delivery{Buffer: 16 << 10,
			Backoff: peerDown, CloseTimeout: time.Millisecond}}, quiet)
		if err != nil {
			b.Fatal(err)
		}
		defer h.Close()
		run(b, h)
	})
	b.Run("otlp", func(b *testing.B) {
		h, err := otlp.New(otlp.Options{URL: "http://127.0.0.1:1/v1/logs", Delivery: netsink.Delivery{
			Buffer: 16 << 10, Backoff: peerDown, CloseTimeout: time.Millisecond}}, quiet)
		if err != nil {
			b.Fatal(err)
		}
		defer h.Close()
		run(b, h)
	})
}
