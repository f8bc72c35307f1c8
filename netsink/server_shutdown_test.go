package netsink

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/internal/wire"
)

// What a sender that does not read acks (Python's SocketHandler) writes while Shutdown
// lingers is handled, not discarded (issue 15, item 5): a frame cut in two by the
// interruption, then msgpack and pickle frames. A sequenced frame (a Socket's) arriving after
// the half-close is left for its sender to replay: no ack could reach it.
func TestServerShutdownHandlesLingeringFrames(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	srv := &Server{Handler: capt, AcceptPickle: true, OnError: func(error) {}}
	addr := wireServe(t, srv, "127.0.0.1:0")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rec := func(msg string) []byte {
		return nettest.Framed(wire.EncodeRecord(nil, slog.NewRecord(time.Now(), 0, msg, 0)))
	}
	if _, err := c.Write(rec("before")); err != nil {
		t.Fatal(err)
	}
	capt.wait(t, 1)
	cut := rec("cut by shutdown")
	if _, err := c.Write(cut[:7]); err != nil {
		t.Fatal(err)
	}

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		shut <- srv.Shutdown(ctx)
	}()
	// The half-close says the Server is lingering: what follows arrives after Shutdown began.
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	if b, err := io.ReadAll(c); err != nil || len(b) != 0 {
		t.Fatalf("waiting for the half-close: %q, %v", b, err)
	}
	var late []byte
	late = append(late, cut[7:]...)
	const n = 50
	for i := range n {
		if i%2 == 0 {
			late = append(late, rec(fmt.Sprint("late ", i))...)
		} else {
			late = append(late, nettest.Framed(pickleReferenced([]byte("X\x01\x00\x00\x00a"), 1))...)
		}
	}
	seq, off := wire.New().AppendRecord(nil, slog.NewRecord(time.Now(), 0, "sequenced", 0), []byte("me"), true)
	binary.BigEndian.PutUint64(seq[off:], 1)
	late = append(late, nettest.Framed(seq)...)
	late = append(late, rec("last")...)
	if _, err := c.Write(late); err != nil {
		t.Fatal(err)
	}
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	recs := capt.records()
	if len(recs) != n+3 || recs[1].Message != "cut by shutdown" || recs[2].Message != "late 0" || recs[3].Message != "hi" || recs[n+2].Message != "last" {
		var msgs []string
		for _, r := range recs {
			msgs = append(msgs, r.Message)
		}
		t.Fatalf("%d records handled, want %d: %q", len(recs), n+3, msgs)
	}
	if st := srv.Stats(); st.Malformed != 0 || st.Records != n+3 || st.Acks != 0 {
		t.Errorf("stats %+v", st)
	}
}
