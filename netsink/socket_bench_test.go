package netsink

import (
	"context"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"

	"github.com/slogx/handlers/netsink/internal/nettest"
)

// wireNullHandler counts records and does nothing else: the benchmark measures the wire.
type wireNullHandler struct{ n atomic.Int64 }

func (h *wireNullHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (h *wireNullHandler) Handle(context.Context, slog.Record) error { h.n.Add(1); return nil }
func (h *wireNullHandler) WithAttrs([]slog.Attr) slog.Handler        { return h }
func (h *wireNullHandler) WithGroup(string) slog.Handler             { return h }

// BenchmarkSocketToServer: records through Socket -> TCP loopback -> Server -> handler,
// acknowledged (Flush at the end is inside the timing).
func BenchmarkSocketToServer(b *testing.B) {
	h := &wireNullHandler{}
	srv := &Server{Handler: h}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	s, err := NewSocket(ln.Addr().String(), SocketOptions{Delivery: Delivery{EnqueueTimeout: 1 << 62}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := nettest.BenchRecord()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Handle(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkSocketHandle: the caller's cost of Handle alone (encode + enqueue), the sender
// goroutine draining in parallel.
func BenchmarkSocketHandleParallel(b *testing.B) {
	h := &wireNullHandler{}
	srv := &Server{Handler: h}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	s, err := NewSocket(ln.Addr().String(), SocketOptions{Delivery: Delivery{EnqueueTimeout: 1 << 62}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := nettest.BenchRecord()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.Handle(context.Background(), r); err != nil {
				b.Error(err)
				return
			}
		}
	})
	_ = s.Flush(context.Background())
}
