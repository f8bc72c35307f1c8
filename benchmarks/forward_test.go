package benchmarks

import (
	"bufio"
	"context"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fluent/fluent-logger-golang/fluent"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/forward"
)

// BenchmarkForward measures the caller's cost of logging the 5attrs record to a Fluent
// Forward server over loopback TCP: encode and enqueue, the sending goroutine running
// alongside (its CPU is in cpu-ns/op, not in ns/op).
//
//	BenchmarkForward/5attrs/fluent-logger  github.com/fluent/fluent-logger-golang v1.10.2,
//	                                       Async, SubSecondPrecision (nanosecond EventTime, as
//	                                       slogx sends): PostWithTime of a map prepared once
//	                                       with the message, the level and the five fields
//	BenchmarkForward/5attrs/slogx          forward.New: Handle of the prepared record
//	                                       (PackedForward batches, chunk acks awaited)
//
// Both send to fwdDrain, a server that reads every message and acknowledges chunks.
func BenchmarkForward(b *testing.B) {
	c := cases[1]
	b.Run("5attrs", func(b *testing.B) {
		b.Run("fluent-logger", func(b *testing.B) { benchFluentLogger(b, c) })
		b.Run("slogx", func(b *testing.B) { benchForward(b, c) })
	})
}

func benchFluentLogger(b *testing.B, c benchCase) {
	addr, stop := fwdDrain(b)
	defer stop()
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	// BufferLimit (records; 8192 by default) as large as slogx's Buffer allows, so that
	// neither drops while the sender catches up (under -cpu 1 it cannot keep pace).
	lg, err := fluent.New(fluent.Config{FluentHost: host, FluentPort: p, Async: true, SubSecondPrecision: true, BufferLimit: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer lg.Close() // also after a failure: its goroutines end
	rec := fluentRecord(c)
	loop(b, false, func() error { return lg.PostWithTime("bench", benchTime, rec) })
	b.StopTimer()
	if err := lg.Close(); err != nil {
		b.Fatal(err)
	}
}

// fluentRecord is c's record as fluent-logger takes it: a map.
func fluentRecord(c benchCase) map[string]any {
	m := map[string]any{"message": msg, "level": "INFO"}
	for _, a := range c.perCall {
		m[a.Key] = a.Value.Any()
	}
	return m
}

func benchForward(b *testing.B, c benchCase) {
	addr, stop := fwdDrain(b)
	defer stop()
	f, err := forward.New(addr, forward.Options{Tag: "bench", Delivery: netsink.Delivery{Buffer: 256 << 20, EnqueueTimeout: time.Minute}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close() // also after a failure: its goroutines end
	r := c.record()
	ctx := context.Background()
	loop(b, false, func() error { return f.Handle(ctx, r) })
	b.StopTimer()
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if st := f.Stats(); st.Dropped != 0 || st.Errors != 0 {
		b.Fatalf("forward stats %+v", st)
	}
}

// fwdDrain is a Forward server that costs little: it skips every message's contents and
// answers the chunk option, if any, with its ack.
func fwdDrain(b *testing.B) (string, func()) {
	ln := listenLoopback(b)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { fwdDrainConn(c) })
		}
	})
	return ln.Addr().String(), func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	}
}

func fwdDrainConn(c net.Conn) {
	defer c.Close()
	d := msgpack.NewDecoder(bufio.NewReaderSize(c, 64<<10))
	for {
		n, err := d.DecodeArrayLen()
		if err != nil {
			return
		}
		for range n - 1 {
			if err := d.Skip(); err != nil {
				return
			}
		}
		// The last element: the option map of Message and PackedForward modes (or, in
		// Message mode without options, the record: no chunk there).
		m, err := d.DecodeMapLen()
		if err != nil {
			return
		}
		chunk := ""
		for range m {
			k, err := d.DecodeString()
			if err != nil {
				return
			}
			if k == "chunk" {
				if chunk, err = d.DecodeString(); err != nil {
					return
				}
			} else if err := d.Skip(); err != nil {
				return
			}
		}
		if chunk != "" {
			ack, _ := msgpack.Marshal(map[string]string{"ack": chunk})
			if _, err := c.Write(ack); err != nil {
				return
			}
		}
	}
}

// Both workloads carry the same record: message, level and the five fields.
func TestForwardWorkloadsCarryTheFields(t *testing.T) {
	m := fluentRecord(cases[1])
	if len(m) != 7 || m["message"] != msg || m["status"] != int64(aInt) {
		t.Errorf("fluent-logger record %v", m)
	}
}
