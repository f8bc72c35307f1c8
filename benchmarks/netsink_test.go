package benchmarks

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/slogx/handlers/netsink"
)

// BenchmarkSocket measures sending the 5attrs record over loopback TCP, as CPU time per record
// summed over every goroutine of the process (cpu-ns/op: both ends are in it).
//
//	BenchmarkSocket/<case>/raw-conn  the record, msgpack-encoded once, appended as a frame to a
//	                                 batch written to a net.Conn every socketBatch bytes (the
//	                                 Socket's largest write), the peer only draining: the
//	                                 cost of moving the same bytes the same way, the baseline
//	BenchmarkSocket/<case>/slogx     netsink.NewSocket to an in-process netsink.Server:
//	                                 encode, enqueue, send, decode, handle, acknowledge
//	BenchmarkSocket/<case>/slogx-spool  the same with a netsink.Spool (no Sync): every record
//	                                 goes through a memory-mapped segment file
//
// Cases: 5attrs (one producer) and 5attrs-parallel (b.RunParallel: GOMAXPROCS producers).
// The slogx row waits (Flush) every socketFlushEvery records and at the end, inside the
// timing, so ns/op is delivered records, not enqueued ones, and the Socket's buffer (64 MiB)
// never fills whatever -benchtime says; delivered/op must be 1. Loopback only.
func BenchmarkSocket(b *testing.B) {
	r := cases[1].record()
	for _, parallel := range []bool{false, true} {
		name := "5attrs"
		if parallel {
			name += "-parallel"
		}
		b.Run(name, func(b *testing.B) {
			b.Run("raw-conn", func(b *testing.B) { benchRawConn(b, r, parallel) })
			b.Run("slogx", func(b *testing.B) { benchSocket(b, r, parallel, "") })
			b.Run("slogx-spool", func(b *testing.B) { benchSocket(b, r, parallel, b.TempDir()) })
		})
	}
}

const (
	socketBatch      = 256 << 10 // the Socket's largest write (netsink's wireMaxBatch)
	socketFlushEvery = 1 << 16   // records between two Flushes: ~11 MiB, well within the buffer
)

func listenLoopback(b *testing.B) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	return ln
}

func benchRawConn(b *testing.B, r slog.Record, parallel bool) {
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
	// Producers append frames under a lock, as Handle appends to the Socket's buffer; the
	// one that fills the batch writes it.
	var mu sync.Mutex
	batch := make([]byte, 0, socketBatch+len(frame))
	b.SetBytes(int64(len(frame)))
	loop(b, parallel, func() error {
		mu.Lock()
		defer mu.Unlock()
		batch = append(batch, frame...)
		if len(batch) >= socketBatch {
			_, err := c.Write(batch)
			batch = batch[:0]
			return err
		}
		return nil
	})
	if _, err := c.Write(batch); err != nil {
		b.Fatal(err)
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

// paddedCount is a counter on a cache line of its own: the producer's count and the
// server's count, allocated side by side, shared one line, and every record paid a cache-line
// transfer between the two cores (about 50 ns per record, none of it the library's).
type paddedCount struct {
	atomic.Int64
	_ [56]byte
}

func benchSocket(b *testing.B, r slog.Record, parallel bool, spool string) {
	ln := listenLoopback(b)
	got := new(paddedCount)
	srv := &netsink.Server{Handler: countHandler{&got.Int64}}
	served := make(chan struct{})
	go func() { srv.Serve(ln); close(served) }()
	d := netsink.Delivery{Buffer: 64 << 20}
	if spool != "" {
		d.Spool = netsink.Spool{Dir: spool, MaxBytes: 256 << 20}
	}
	s, err := netsink.NewSocket(ln.Addr().String(), netsink.SocketOptions{Delivery: d}, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	handled := new(paddedCount)
	start, cpuOK := cpuTime()
	loop(b, parallel, func() error {
		if err := s.Handle(ctx, r); err != nil {
			return err
		}
		if handled.Add(1)%socketFlushEvery == 0 {
			return s.Flush(ctx)
		}
		return nil
	})
	if err := s.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if end, ok := cpuTime(); cpuOK && ok {
		// Again, with the last Flush: every record acknowledged (overrides loop's figure).
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
	if st := s.Stats(); st.Dropped != 0 || st.Errors != 0 {
		b.Fatalf("socket stats %+v", st)
	}
	s.Close()
	srv.Shutdown(ctx)
	<-served
	if got.Load() != int64(b.N) {
		b.Fatalf("%d records delivered for %d handled", got.Load(), b.N)
	}
	b.ReportMetric(float64(got.Load())/float64(b.N), "delivered/op")
}

// BenchmarkCollector measures the collector's decode of one record, the 5attrs record:
//
//	BenchmarkCollector/decode-5attrs/json-map  encoding/json.Unmarshal of slog.JSONHandler's
//	                                           line into a map[string]any: what a collector
//	                                           of JSON lines does at least, the baseline
//	BenchmarkCollector/decode-5attrs/slogx     netsink.DecodeRecord of the record's msgpack
//	                                           frame: the time, level, message and typed
//	                                           attributes back as a slog.Record
func BenchmarkCollector(b *testing.B) {
	r := cases[1].record()
	b.Run("decode-5attrs", func(b *testing.B) {
		b.Run("json-map", func(b *testing.B) {
			var line bytes.Buffer
			if err := slog.NewJSONHandler(&line, nil).Handle(context.Background(), r); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(line.Len()))
			loop(b, false, func() error {
				var m map[string]any
				return json.Unmarshal(line.Bytes(), &m)
			})
		})
		b.Run("slogx", func(b *testing.B) {
			p := netsink.EncodeRecord(nil, r)
			b.SetBytes(int64(len(p)))
			loop(b, false, func() error {
				_, err := netsink.DecodeRecord(p)
				return err
			})
		})
	})
}
