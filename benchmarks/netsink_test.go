package benchmarks

import (
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"

	"github.com/slogx/handlers/netsink"
)

// BenchmarkSocket measures sending the 5attrs record over loopback TCP.
//
//	BenchmarkSocket/5attrs/raw-conn  the record, msgpack-encoded once, written as a frame to a
//	                                 net.Conn whose peer only drains: the cost of the syscall
//	                                 alone, the baseline (put first)
//	BenchmarkSocket/5attrs/slogx     netsink.NewSocket to an in-process netsink.Server: encode,
//	                                 enqueue, send, decode, handle, acknowledge — end to end
//
// The slogx row waits (Flush) until every record is acknowledged before the timer stops, so
// ns/op is delivered records, not enqueued ones. Loopback only.
func BenchmarkSocket(b *testing.B) {
	r := cases[1].record()
	b.Run("5attrs", func(b *testing.B) {
		b.Run("raw-conn", func(b *testing.B) { benchRawConn(b, r) })
		b.Run("slogx", func(b *testing.B) { benchSocket(b, r) })
	})
}

func listenLoopback(b *testing.B) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	return ln
}

func benchRawConn(b *testing.B, r slog.Record) {
	ln := listenLoopback(b)
	defer ln.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		io.Copy(io.Discard, c)
		c.Close()
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	payload := netsink.EncodeRecord(nil, r)
	frame := binary.BigEndian.AppendUint32(nil, uint32(len(payload)))
	frame = append(frame, payload...)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Write(frame); err != nil {
			b.Fatal(err)
		}
	}
	c.Close()
	<-done
}

// countHandler counts what the Server hands it.
type countHandler struct{ n *atomic.Int64 }

func (h countHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (h countHandler) Handle(context.Context, slog.Record) error { h.n.Add(1); return nil }
func (h countHandler) WithAttrs([]slog.Attr) slog.Handler        { return h }
func (h countHandler) WithGroup(string) slog.Handler             { return h }

func benchSocket(b *testing.B, r slog.Record) {
	ln := listenLoopback(b)
	var got atomic.Int64
	srv := &netsink.Server{Handler: countHandler{&got}}
	served := make(chan struct{})
	go func() { srv.Serve(ln); close(served) }()
	s, err := netsink.NewSocket(ln.Addr().String(), netsink.SocketOptions{Buffer: 64 << 20}, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Handle(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if st := s.Stats(); st.Dropped != 0 || st.Errors != 0 {
		b.Fatalf("socket stats %+v", st)
	}
	s.Close()
	srv.Shutdown(ctx)
	<-served
	b.ReportMetric(float64(got.Load())/float64(b.N), "delivered/op")
}
