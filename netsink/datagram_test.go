package netsink

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/internal/wire"
	"github.com/slogx/handlers/slogx"
)

// wireServePacket runs srv.ServePacket on a fresh UDP socket on 127.0.0.1 and returns its
// address.
func wireServePacket(t *testing.T, srv *Server) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.ServePacket(pc) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("ServePacket returned %v", err)
		}
	})
	return pc.LocalAddr().String()
}

func TestDatagramDelivers(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	srv := &Server{Handler: capt}
	addr := wireServePacket(t, srv)
	d, err := NewDatagram(addr, DatagramOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	l := slog.New(d).With("via", "udp")
	l.Info("one", "n", 1)
	l.Warn("two", slog.Group("g", "n", 2))
	recs := capt.wait(t, 2)
	if recs[0].Message != "one" || recs[1].Level != slog.LevelWarn || wireAttrInt(recs[0], "n") != 1 {
		t.Errorf("got %v", recs)
	}
	if st := d.Stats(); st.Records != 2 || st.Errors != 0 {
		t.Errorf("stats %+v", st)
	}
}

// A record over MaxDatagram is dropped whole and counted; the next one goes through.
func TestDatagramTooLarge(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	addr := wireServePacket(t, &Server{Handler: capt})
	var reported []error
	d, err := NewDatagram(addr, DatagramOptions{MaxDatagram: 100}, &slogx.Options{OnError: func(err error) { reported = append(reported, err) }})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	err = d.Handle(context.Background(), slog.NewRecord(time.Now(), 0, strings.Repeat("x", 200), 0))
	if !errors.Is(err, wire.ErrFrameTooLarge) {
		t.Fatalf("err = %v", err)
	}
	if err := d.Handle(context.Background(), slog.NewRecord(time.Now(), 0, "small", 0)); err != nil {
		t.Fatal(err)
	}
	if recs := capt.wait(t, 1); recs[0].Message != "small" {
		t.Errorf("got %q", recs[0].Message)
	}
	if st := d.Stats(); st.Dropped != 1 || st.Records != 1 || len(reported) != 1 {
		t.Errorf("stats %+v, reported %v", st, reported)
	}
}

func TestNewDatagramErrors(t *testing.T) {
	for _, c := range []struct {
		addr string
		o    DatagramOptions
		opts *slogx.Options
	}{
		{"nohost", DatagramOptions{}, nil},
		{"127.0.0.1:9", DatagramOptions{MaxDatagram: 70000}, nil},
		{"127.0.0.1:9", DatagramOptions{MaxDatagram: 3}, nil},
		{"127.0.0.1:9", DatagramOptions{}, &slogx.Options{Encoder: slogx.Text()}},
	} {
		if _, err := NewDatagram(c.addr, c.o, c.opts); err == nil {
			t.Errorf("NewDatagram(%q, %+v) did not fail", c.addr, c.o)
		}
	}
}

// TestDatagramSlogtest runs slogtest end to end over UDP on loopback.
func TestDatagramSlogtest(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	addr := wireServePacket(t, &Server{Handler: capt})
	d, err := NewDatagram(addr, DatagramOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	err = slogtest.TestHandler(d, func() []map[string]any {
		var ms []map[string]any
		for _, r := range capt.wait(t, int(d.Stats().Records)) {
			ms = append(ms, nettest.RecordMap(r))
		}
		return ms
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Bad datagrams are counted per reason and do not stop the server.
func TestServePacketBadDatagrams(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	srv := &Server{Handler: capt, MaxFrame: 1000, OnError: func(error) {}}
	addr := wireServePacket(t, srv)
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	good := wire.EncodeRecord([]byte{0, 0, 0, 0}, slog.NewRecord(time.Now(), 0, "good", 0))
	good[3] = byte(len(good) - 4)
	for _, d := range [][]byte{
		{1, 2},                    // too short
		{0, 0, 0, 9, 0x81},        // length prefix lies (truncated)
		{0, 1, 0, 0, 0x81},        // over MaxFrame
		{0, 0, 0, 2, 0x81, 0x01},  // not a record
		{0, 0, 0, 3, '}', 'K', 1}, // a pickle, AcceptPickle off
		good,
	} {
		if _, err := c.Write(d); err != nil {
			t.Fatal(err)
		}
	}
	if recs := capt.wait(t, 1); recs[0].Message != "good" {
		t.Fatalf("got %q", recs[0].Message)
	}
	st := srv.Stats()
	if st.Malformed != 3 || st.TooLarge != 1 || st.Refused != 1 || st.Records != 1 {
		t.Errorf("stats %+v", st)
	}
}
