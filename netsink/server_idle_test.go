package netsink

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink/internal/nettest"
)

// wireWaitStats waits, bounded, until cond holds for the Server's counters: the counters
// are the event (a connection accepted, evicted...); the ticker only paces the checks.
func wireWaitStats(t *testing.T, srv *Server, what string, cond func(ServerStats) bool) {
	t.Helper()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for !cond(srv.Stats()) {
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("waited for %s: stats %+v", what, srv.Stats())
		}
	}
}

// Connections that send nothing cannot lock real senders out (issue 15, item 3): with every
// slot held by an idle connection, a Socket connecting afterwards evicts the longest idle one
// and gets all its records acknowledged at once, long before any deadline.
func TestServerIdleConnectionsDoNotLockOut(t *testing.T) {
	nettest.NoLeak(t)
	const slots = 8
	capt := newWireCapture()
	srv := &Server{Handler: capt, MaxConns: slots, FirstFrameTimeout: time.Hour, ReadTimeout: time.Hour, OnError: func(error) {}}
	addr := wireServe(t, srv, "127.0.0.1:0")
	idle := make([]net.Conn, slots)
	for i := range idle {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		idle[i] = c
	}
	wireWaitStats(t, srv, "every slot taken", func(st ServerStats) bool { return st.Conns == slots })

	s, err := NewSocket(addr, SocketOptions{Delivery: Delivery{Backoff: wireFastBackoff}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	l := slog.New(s)
	for i := range 40 {
		l.Info("real", "i", i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v; %d records handled, stats %+v", err, len(capt.records()), srv.Stats())
	}
	t.Logf("40 records acknowledged %v after connecting behind %d idle connections", time.Since(start), slots)
	if n := len(capt.records()); n != 40 {
		t.Errorf("%d records handled", n)
	}
	if st := s.Stats(); st.Dropped != 0 || st.Records != 40 {
		t.Errorf("socket stats %+v", st)
	}
	st := srv.Stats()
	if st.Evicted != 1 {
		t.Errorf("server stats %+v, want 1 eviction", st)
	}
	// The one evicted is the longest idle: the first dialled (accepted first).
	_ = idle[0].SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := idle[0].Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("the longest idle connection: read %v, want EOF", err)
	}
}

// A connection that sends no frame within FirstFrameTimeout is closed and counted; one that
// sends a frame in time is served.
func TestServerFirstFrameTimeout(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	srv := &Server{Handler: capt, FirstFrameTimeout: 20 * time.Millisecond, ReadTimeout: time.Hour, OnError: func(error) {}}
	addr := wireServe(t, srv, "127.0.0.1:0")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("silent connection: read %v, want EOF", err)
	}
	if st := srv.Stats(); st.FirstFrameTimeouts != 1 || st.ConnErrors != 0 {
		t.Errorf("stats %+v", st)
	}
}
