package netsink_test

// Real peers on loopback for the tests of this package that go through the public API: they
// collect the numbers of the records they receive ("n:123" in a message), on each protocol's
// own wire.

import (
	"bufio"
	"bytes"
	"context"
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
	"github.com/vmihailenco/msgpack/v5"
)

// numbers collects the record numbers ("n:123" anywhere in what the peer received), in
// arrival order.
type numbers struct {
	mu      sync.Mutex
	got     []int
	changed chan struct{} // closed when numbers arrive; made by wait
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
			if c.changed != nil {
				close(c.changed)
				c.changed = nil
			}
		}
	}
}

// wait returns the numbers once at least n arrived: a peer that does not acknowledge (a
// syslog stream) may still be reading what the sender counts as delivered.
func (c *numbers) wait(t *testing.T, n int) []int {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		c.mu.Lock()
		if len(c.got) >= n {
			got := append([]int(nil), c.got...)
			c.mu.Unlock()
			return got
		}
		if c.changed == nil {
			c.changed = make(chan struct{})
		}
		ch, have := c.changed, len(c.got)
		c.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("the peer got %d numbers, want %d", have, n)
		}
	}
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

// tcpPeer accepts connections on loopback and runs serve on each, until the test ends.
func tcpPeer(t *testing.T, serve func(conn net.Conn)) string {
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
				_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
				serve(conn)
			})
		}
	})
	return l.Addr().String()
}

// streamPeer collects the numbers in every line a connection carries.
func streamPeer(t *testing.T, c *numbers) string {
	return tcpPeer(t, func(conn net.Conn) {
		r := bufio.NewReader(io.LimitReader(conn, 64<<20))
		for {
			line, err := r.ReadBytes('\n')
			c.scan(line)
			if err != nil {
				return
			}
		}
	})
}

// smtpPeer speaks just enough SMTP to take every mail and collect the numbers in it, or,
// with c nil, to refuse every sender with a permanent 550.
func smtpPeer(t *testing.T, c *numbers) string {
	return tcpPeer(t, func(conn net.Conn) {
		r := bufio.NewReader(io.LimitReader(conn, 64<<20))
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
			case c == nil && strings.HasPrefix(cmd, "MAIL"):
				io.WriteString(conn, "550 5.7.1 sender refused\r\n")
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
	return tcpPeer(t, func(conn net.Conn) {
		dec := msgpack.NewDecoder(bufio.NewReader(io.LimitReader(conn, 64<<20)))
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
