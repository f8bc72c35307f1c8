//go:build unix

package netsink_test

// Every engine handler takes Delivery.Spool: with its peer down for the whole first run, the
// records wait on disk; the next handler on the same Dir, with the peer up, sends them all,
// in order, on the protocol's own wire. Public API only.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
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
	"github.com/vmihailenco/msgpack/v5"
)

// spoolHandler is what every engine handler offers.
type spoolHandler interface {
	slog.Handler
	Stats() slogx.Stats
	Flush(context.Context) error
	Close() error
}

// numbers collects the record numbers ("n:123" anywhere in what the peer received), in
// arrival order.
type numbers struct {
	mu  sync.Mutex
	got []int
}

func (c *numbers) scan(b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		i := bytes.Index(b, []byte("n:"))
		if i < 0 {
			return
		}
		b = b[i+2:]
		j := 0
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if n, err := strconv.Atoi(string(b[:j])); err == nil {
			c.got = append(c.got, n)
		}
	}
}

func (c *numbers) all() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int(nil), c.got...)
}

// httpPeer answers 200 to every request and collects the numbers in the bodies.
func httpPeer(t *testing.T, c *numbers) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c.scan(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// streamPeer accepts TCP connections and collects the numbers in what they carry; with
// smtp it speaks just enough SMTP to accept every mail.
func streamPeer(t *testing.T, c *numbers, smtpDialog bool) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
			wg.Go(func() {
				defer conn.Close()
				r := bufio.NewReader(io.LimitReader(conn, 64<<20))
				if !smtpDialog {
					for {
						line, err := r.ReadBytes('\n')
						c.scan(line)
						if err != nil {
							return
						}
					}
				}
				io.WriteString(conn, "220 peer ESMTP\r\n")
				data := false
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
					case data && cmd == ".":
						data = false
						io.WriteString(conn, "250 queued\r\n")
					case data:
						c.scan([]byte(line))
					case strings.HasPrefix(cmd, "DATA"):
						data = true
						io.WriteString(conn, "354 go on\r\n")
					case strings.HasPrefix(cmd, "QUIT"):
						io.WriteString(conn, "221 bye\r\n")
						return
					default:
						io.WriteString(conn, "250 ok\r\n")
					}
				}
			})
		}
	})
	return l.Addr().String()
}

func TestSpoolEveryHandler(t *testing.T) {
	const n = 300
	quiet := &slogx.Options{OnError: func(error) {}}
	d := func(dir string) netsink.Delivery {
		return netsink.Delivery{Spool: netsink.Spool{Dir: dir, MaxBytes: 1 << 20},
			Backoff: netsink.Backoff{Initial: 5 * time.Millisecond, Max: 20 * time.Millisecond}, CloseTimeout: 20 * time.Millisecond}
	}
	forwardPeer := func(t *testing.T, c *numbers) string {
		// A Forward receiver that acknowledges every chunk: forwardtest is not ours to use
		// here, and the records' numbers are all this test reads.
		return forwardAcker(t, c)
	}
	for _, tc := range []struct {
		name string
		peer func(t *testing.T, c *numbers) string // starts the peer, returns its address
		open func(addr, dir string) (spoolHandler, error)
	}{
		{"socket", func(t *testing.T, c *numbers) string { return socketPeer(t, c) }, func(addr, dir string) (spoolHandler, error) {
			return netsink.NewSocket(addr, netsink.SocketOptions{Delivery: d(dir)}, quiet)
		}},
		{"syslog-tcp", func(t *testing.T, c *numbers) string { return streamPeer(t, c, false) }, func(addr, dir string) (spoolHandler, error) {
			return syslog.New(syslog.Options{Network: "tcp", Addr: addr, Framing: syslog.LF, Delivery: d(dir)}, quiet)
		}},
		{"forward", forwardPeer, func(addr, dir string) (spoolHandler, error) {
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
		{"smtp", func(t *testing.T, c *numbers) string { return streamPeer(t, c, true) }, func(addr, dir string) (spoolHandler, error) {
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
			nums := got.all()
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

// socketPeer is a netsink.Server whose handler collects the numbers of the messages.
func socketPeer(t *testing.T, c *numbers) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &netsink.Server{Handler: msgHandler{c}, Dedup: netsink.NewDedup(0), OnError: func(error) {}}
	done := make(chan struct{})
	go func() { srv.Serve(l); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return l.Addr().String()
}

type msgHandler struct{ c *numbers }

func (h msgHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h msgHandler) Handle(_ context.Context, r slog.Record) error {
	h.c.scan([]byte(r.Message))
	return nil
}
func (h msgHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h msgHandler) WithGroup(string) slog.Handler      { return h }

// forwardAcker is a Forward receiver that acknowledges every message's chunk and collects
// the numbers in its entries (PackedForward: the entries are msgpack bytes, the messages'
// text as is).
func forwardAcker(t *testing.T, c *numbers) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
			wg.Go(func() {
				defer conn.Close()
				dec := msgpack.NewDecoder(bufio.NewReader(conn))
				enc := msgpack.NewEncoder(conn)
				for {
					var msg []any
					if err := dec.Decode(&msg); err != nil || len(msg) < 3 {
						return
					}
					switch e := msg[1].(type) {
					case []byte:
						c.scan(e)
					case string:
						c.scan([]byte(e))
					}
					if opt, ok := msg[len(msg)-1].(map[string]any); ok && opt["chunk"] != nil {
						if err := enc.Encode(map[string]any{"ack": opt["chunk"]}); err != nil {
							return
						}
					}
				}
			})
		}
	})
	return l.Addr().String()
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
