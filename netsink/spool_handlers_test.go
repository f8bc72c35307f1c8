//go:build unix

package netsink_test

// Every engine handler takes Delivery.Spool: with its peer down for the whole first run, the
// records wait on disk; the next handler on the same Dir, with the peer up, sends them all,
// in order, on the protocol's own wire. Public API only.

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/forward"
	"github.com/slogx/handlers/netsink/httpsink"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/netsink/smtp"
	"github.com/slogx/handlers/netsink/syslog"
	"github.com/slogx/handlers/slogx"
)

// spoolHandler is what every engine handler offers.
type spoolHandler interface {
	slog.Handler
	Stats() slogx.Stats
	Flush(context.Context) error
	Close() error
}

func TestSpoolEveryHandler(t *testing.T) {
	const n = 300
	quiet := &slogx.Options{OnError: func(error) {}}
	d := func(dir string) netsink.Delivery {
		return netsink.Delivery{Spool: netsink.Spool{Dir: dir, MaxBytes: 1 << 20},
			Backoff: netsink.Backoff{Initial: 5 * time.Millisecond, Max: 20 * time.Millisecond}, CloseTimeout: 20 * time.Millisecond}
	}
	for _, tc := range []struct {
		name string
		peer func(t *testing.T, c *numbers) string // starts the peer, returns its address
		open func(addr, dir string) (spoolHandler, error)
	}{
		{"socket", func(t *testing.T, c *numbers) string { return socketPeer(t, c) }, func(addr, dir string) (spoolHandler, error) {
			return netsink.NewSocket(addr, netsink.SocketOptions{Delivery: d(dir)}, quiet)
		}},
		{"syslog-tcp", streamPeer, func(addr, dir string) (spoolHandler, error) {
			return syslog.New(syslog.Options{Network: "tcp", Addr: addr, Framing: syslog.LF, Delivery: d(dir)}, quiet)
		}},
		{"forward", forwardAcker, func(addr, dir string) (spoolHandler, error) {
			return forward.New(addr, forward.Options{Delivery: d(dir)}, quiet)
		}},
		{"otlp", func(t *testing.T, c *numbers) string { return httpPeer(t, c) }, func(addr, dir string) (spoolHandler, error) {
			return otlp.New(otlp.Options{URL: addr + "/v1/logs", Protocol: "http/json", Delivery: d(dir)}, quiet)
		}},
		{"httpsink", func(t *testing.T, c *numbers) string { return httpPeer(t, c) }, func(addr, dir string) (spoolHandler, error) {
			dd := d(dir)
			dd.BatchRecords = 50
			return httpsink.New(httpsink.Options{URL: addr, Format: httpsink.NDJSON, Delivery: dd}, quiet)
		}},
		{"smtp", smtpPeer, func(addr, dir string) (spoolHandler, error) {
			dd := d(dir)
			dd.BatchInterval, dd.BatchRecords = time.Millisecond, 100
			return smtp.New(smtp.Options{Addr: addr, From: "app@example.com", To: []string{"ops@example.com"},
				Subject: "logs", Delivery: dd}, quiet)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nettest.NoLeak(t)
			dir := t.TempDir()
			down := nettest.DownAddr(t)
			if tc.name == "otlp" || tc.name == "httpsink" {
				down = "http://" + down
			}
			h, err := tc.open(down, dir)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			for i := 1; i <= n; i++ {
				r := slog.NewRecord(time.Now(), slog.LevelError, "spooled n:"+strconv.Itoa(i), 0)
				if err := h.Handle(ctx, r); err != nil {
					t.Fatalf("record %d: %v", i, err)
				}
			}
			if err := h.Close(); err != nil {
				t.Fatalf("Close with the peer down and a spool: %v", err)
			}
			if st := h.Stats(); st.Records != 0 || st.Dropped != 0 {
				t.Fatalf("first run: %+v", st)
			}
			// A second handler on the same Dir while the first is open is refused.
			got := &numbers{}
			addr := tc.peer(t, got)
			h, err = tc.open(addr, dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tc.open(addr, dir); !errors.Is(err, netsink.ErrSpoolLocked) {
				t.Fatalf("a second handler on the Dir: %v, want ErrSpoolLocked", err)
			}
			nettest.Flush(t, h)
			st := h.Stats()
			h.Close()
			nums := got.wait(t, n)
			if len(nums) != n || st.Recovered != n || st.Records != n {
				t.Fatalf("second run: %+v, the peer got %d records", st, len(nums))
			}
			for i, v := range nums {
				if v != i+1 {
					t.Fatalf("record %d arrived in place %d: %v", v, i+1, nums[:10])
				}
			}
		})
	}
}

// A Spool without a Dir, and a Spool on a syslog handler that sends datagrams, are refused
// by the constructor.
func TestSpoolRefused(t *testing.T) {
	nettest.NoLeak(t)
	if _, err := netsink.NewSocket("127.0.0.1:1", netsink.SocketOptions{Delivery: netsink.Delivery{
		Spool: netsink.Spool{MaxBytes: 1 << 20}}}, nil); err == nil || !strings.Contains(err.Error(), "needs a Dir") {
		t.Fatalf("Spool without Dir: %v", err)
	}
	if _, err := syslog.New(syslog.Options{Network: "udp", Addr: "127.0.0.1:514", Delivery: netsink.Delivery{
		Spool: netsink.Spool{Dir: t.TempDir()}}}, nil); err == nil || !strings.Contains(err.Error(), "needs a stream") {
		t.Fatalf("Spool on udp: %v", err)
	}
	if _, err := netsink.NewSocket("127.0.0.1:1", netsink.SocketOptions{Delivery: netsink.Delivery{
		Spool: netsink.Spool{Dir: t.TempDir(), MaxBytes: 1000}}}, nil); err == nil || !strings.Contains(err.Error(), "MaxBytes") {
		t.Fatalf("MaxBytes too small: %v", err)
	}
}
