package netsink

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/internal/wire"
)

// A bad frame closes its own connection only; the counters say why.
func TestServerBadFrameClosesOnlyThatConnection(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	srv := &Server{Handler: capt, MaxFrame: 1 << 10, OnError: func(error) {}}
	addr := wireServe(t, srv, "127.0.0.1:0")
	good, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	for _, bad := range [][]byte{
		{0, 0, 0x10, 0}, nettest.Framed( // over MaxFrame
			[]byte{0x81, 0xc1, 1}), nettest.    // not msgpack
			Framed([]byte("}K\x01.")), nettest. // pickle, AcceptPickle off
			Framed([]byte{0x81, 0xa1, 'v', 0x07}),
	} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(bad); err != nil {
			t.Fatal(err)
		}
		// The server closes the connection: the read ends (EOF or reset), it does not hang.
		_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
		if _, err := io.ReadAll(c); err != nil && errors.Is(err, errDeadline) {
			t.Fatal("connection left open after a bad frame")
		}
		c.Close()
	}
	if _, err := good.Write(nettest.Framed(wire.EncodeRecord(nil, slog.NewRecord(time.Now(), 0, "still served", 0)))); err != nil {
		t.Fatal(err)
	}
	if recs := capt.wait(t, 1); recs[0].Message != "still served" {
		t.Fatalf("got %q", recs[0].Message)
	}
	st := srv.Stats()
	if st.TooLarge != 1 || st.Malformed != 2 || st.Refused != 1 || st.Records != 1 || st.Acks != 0 {
		t.Errorf("stats %+v", st)
	}
}

var errDeadline = os.ErrDeadlineExceeded

// A sequenced frame is acknowledged; a replayed one is dropped as a duplicate and acked again.
func TestServerAcksAndDedup(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	srv := &Server{Handler: capt}
	addr := wireServe(t, srv, "127.0.0.1:0")
	frame := func(seq uint64, msg string) []byte {
		b, off := wire.New().AppendRecord(nil, slog.NewRecord(time.Now(), 0, msg, 0), []byte("me"), true)
		binary.BigEndian.PutUint64(b[off:], seq)
		return nettest.Framed(b)
	}
	readAck := func(br *bufio.Reader) uint64 {
		t.Helper()
		p, err := wire.ReadFrame(br, nil, wire.MaxAckFrame)
		if err != nil {
			t.Fatal(err)
		}
		id, seq, err := wire.DecodeAck(p)
		if err != nil || string(id) != "me" {
			t.Fatalf("ack %q %d %v", id, seq, err)
		}
		return seq
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	c.Write(append(frame(1, "a"), frame(2, "b")...))
	if got := readAck(br); got != 2 {
		t.Fatalf("ack %d, want 2", got)
	}
	c.Close()
	// A reconnect replays 2 and sends 3.
	c, err = net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br = bufio.NewReader(c)
	c.Write(frame(2, "b"))
	if got := readAck(br); got != 2 {
		t.Fatalf("ack %d, want 2", got)
	}
	c.Write(frame(3, "c"))
	if got := readAck(br); got != 3 {
		t.Fatalf("ack %d, want 3", got)
	}
	recs := capt.wait(t, 3)
	if len(recs) != 3 || recs[2].Message != "c" {
		t.Errorf("records %v", recs)
	}
	if st := srv.Stats(); st.Duplicates != 1 || st.Records != 3 {
		t.Errorf("stats %+v", st)
	}
}

// MaxConns: a connection over the limit takes the slot of the idle one, which is closed.
func TestServerMaxConns(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	srv := &Server{Handler: capt, MaxConns: 1}
	addr := wireServe(t, srv, "127.0.0.1:0")
	rec := func(msg string) []byte {
		return nettest.Framed(wire.EncodeRecord(nil, slog.NewRecord(time.Now(), 0, msg, 0)))
	}
	c1, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c1.Write(rec("first"))
	capt.wait(t, 1)
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	c2.Write(rec("second"))
	if got := capt.wait(t, 2)[1].Message; got != "second" {
		t.Fatalf("got %q", got)
	}
	_ = c1.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := c1.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("idle connection: read %v, want EOF", err)
	}
	if st := srv.Stats(); st.Evicted != 1 || st.Conns != 2 {
		t.Errorf("stats %+v", st)
	}
}

// Only a connection waiting for a frame is evicted: one reading or handling a frame keeps its
// slot, and the newcomer waits for it.
func TestServerEvictsOnlyIdle(t *testing.T) {
	srv := &Server{Handler: newWireCapture()}
	srv.init()
	a, b := net.Pipe()
	defer b.Close()
	busy := &wireServerConn{s: srv, c: a}
	srv.conns[a] = busy
	if srv.evictIdlest() || busy.evicted.Load() {
		t.Fatal("evicted a busy connection")
	}
	busy.markIdle()
	if !srv.evictIdlest() || !busy.evicted.Load() || srv.Stats().Evicted != 1 {
		t.Fatal("idle connection not evicted")
	}
	if srv.evictIdlest() {
		t.Fatal("evicted the same connection twice")
	}
}

// ReadTimeout closes a connection silent after its first frame (before it,
// FirstFrameTimeout does: see TestServerFirstFrameTimeout).
func TestServerReadTimeout(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	srv := &Server{Handler: capt, ReadTimeout: 10 * time.Millisecond, OnError: func(error) {}}
	addr := wireServe(t, srv, "127.0.0.1:0")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(nettest.Framed(wire.EncodeRecord(nil, slog.NewRecord(time.Now(), 0, "then silence", 0)))); err != nil {
		t.Fatal(err)
	}
	capt.wait(t, 1)
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil || errors.Is(err, errDeadline) {
		t.Fatalf("read %v: the server did not close the idle connection", err)
	}
	if st := srv.Stats(); st.ConnErrors != 1 || st.FirstFrameTimeouts != 0 {
		t.Errorf("stats %+v", st)
	}
}

// Shutdown with a handler stuck: it gives up when its context is done, closing everything.
func TestServerShutdownBounded(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	capt.gate = make(chan struct{})
	capt.entered = make(chan struct{}, 1)
	srv := &Server{Handler: capt}
	addr := wireServe(t, srv, "127.0.0.1:0")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write(nettest.Framed(wire.EncodeRecord(nil, slog.NewRecord(time.Now(), 0, "stuck", 0))))
	<-capt.entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(ctx) }()
	close(capt.gate) // the handler returns only now; Shutdown waited for it
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown = %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(l); !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve after Shutdown = %v", err)
	}
}

func TestServerNoHandler(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := (&Server{}).Serve(l); err == nil {
		t.Error("Serve without Handler did not fail")
	}
}
