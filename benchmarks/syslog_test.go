package benchmarks

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/syslog"
	"github.com/slogx/handlers/slogx"
)

// BenchmarkSyslog measures the 5attrs prepared record (the record of BenchmarkHandle) sent by
// syslog.New over loopback TCP, octet-counted, to a listener that drains and discards:
//
//	BenchmarkSyslog/5attrs/rfc3164  SyslogRFC3164: <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PROCID]: MSG
//	                                (the baseline)
//	BenchmarkSyslog/5attrs/rfc5424  SyslogRFC5424: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID - - MSG
//	BenchmarkSyslog/5attrs/python   SyslogPython: <PRI>MSG\x00, CPython's SysLogHandler
//
// MSG is the message and the attributes in logfmt. A stream Syslog's Handle formats the
// record and copies it into the delivery engine's buffer; the engine's goroutine writes
// batches, so ns/op and allocs are mostly formatting, and cpu-ns/op adds the sender and the
// draining peer (the last Flush included, so every record is on the wire).
//
// The benchmark holds at any -benchtime: Overflow is slogx.Block with a long EnqueueTimeout,
// so a producer faster than the sender waits for room rather than dropping. Should a record
// still be refused with slogx.ErrBufferFull it is not a failure: dropped/op reports it, and
// delivered/op (Stats().Records per op, records the kernel accepted) is then below 1.
//
// BenchmarkSyslog/encode-5attrs/<format> is the formatting alone: the record through
// slogx.NewHandler(io.Discard) with syslog.NewEncoder, the encoder NewSyslog uses, so
// that the formats compare without the transport, whose cost grows with the bytes.
func BenchmarkSyslog(b *testing.B) {
	r := cases[1].record()
	b.Run("encode-5attrs", func(b *testing.B) {
		for _, f := range syslogFormats {
			b.Run(f.name, func(b *testing.B) {
				enc, err := syslog.NewEncoder(syslogBenchOptions("", f.format), nil)
				if err != nil {
					b.Fatal(err)
				}
				h := slogx.NewHandler(io.Discard, &slogx.Options{Encoder: enc, NoTerminator: true})
				ctx := context.Background()
				loop(b, false, func() error { return h.Handle(ctx, r) })
			})
		}
	})
	b.Run("5attrs", func(b *testing.B) {
		for _, f := range syslogFormats {
			b.Run(f.name, func(b *testing.B) { benchSyslog(b, r, f.format) })
		}
	})
}

// syslogFormats are the rows of BenchmarkSyslog, baseline first.
var syslogFormats = []struct {
	name   string
	format syslog.Format
}{
	{"rfc3164", syslog.RFC3164},
	{"rfc5424", syslog.RFC5424},
	{"python", syslog.Python},
}

// newBenchSyslog returns a stream Syslog to addr in format f. Hostname, AppName and ProcID
// are fixed so that the messages have the same length on every machine.
func newBenchSyslog(addr string, f syslog.Format) (*syslog.Handler, error) {
	return syslog.New(syslogBenchOptions(addr, f), nil)
}

// syslogBenchOptions are the options of every Syslog row: a stream to addr, fixed header
// fields.
func syslogBenchOptions(addr string, f syslog.Format) syslog.Options {
	return syslog.Options{
		Network:  "tcp",
		Addr:     addr,
		Format:   f,
		Hostname: "bench-host",
		AppName:  "bench",
		ProcID:   "4242", Delivery: netsink.Delivery{Overflow: slogx.Block,
			EnqueueTimeout: time.Minute},
	}
}

func benchSyslog(b *testing.B, r slog.Record, f syslog.Format) {
	peer := newSyslogPeer(b, nil)
	defer peer.stop()
	h, err := newBenchSyslog(peer.addr(), f)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	ctx := context.Background()
	start, cpuOK := cpuTime()
	loop(b, false, func() error {
		if err := h.Handle(ctx, r); err != nil && !errors.Is(err, slogx.ErrBufferFull) {
			return err
		}
		return nil
	})
	fctx, cancel := context.WithTimeout(ctx, time.Minute)
	err = h.Flush(fctx)
	cancel()
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if end, ok := cpuTime(); cpuOK && ok && b.N > 0 {
		// Again, with the last Flush: every record written (overrides loop's figure).
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
	if err := h.Close(); err != nil {
		b.Fatal(err)
	}
	peer.stop()
	st := h.Stats()
	if st.Errors != 0 {
		b.Fatalf("syslog stats %+v", st)
	}
	b.ReportMetric(float64(st.Records)/float64(b.N), "delivered/op")
	b.ReportMetric(float64(peer.read.Load())/float64(b.N), "wire-B/op")
	if st.Dropped != 0 {
		b.ReportMetric(float64(st.Dropped)/float64(b.N), "dropped/op")
	}
}

// syslogPeer is a loopback TCP listener that accepts every connection and drains it, counting
// the bytes and keeping them when keep is set.
type syslogPeer struct {
	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns []net.Conn
	keep  *bytes.Buffer
	read  atomic.Int64
	once  sync.Once
}

func newSyslogPeer(tb testing.TB, keep *bytes.Buffer) *syslogPeer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &syslogPeer{ln: ln, keep: keep}
	p.wg.Add(1)
	go p.accept()
	return p
}

func (p *syslogPeer) addr() string { return p.ln.Addr().String() }

func (p *syslogPeer) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns = append(p.conns, c)
		p.mu.Unlock()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer c.Close()
			w := io.Discard
			if p.keep != nil {
				w = &lockedWriter{mu: &p.mu, w: p.keep}
			}
			n, _ := io.Copy(w, c)
			p.read.Add(n)
		}()
	}
}

// stop closes the listener and waits for the connections to end: each is read until the
// sender closes it (a closed Syslog has), or for at most 10 more seconds. Idempotent.
func (p *syslogPeer) stop() {
	p.once.Do(func() {
		p.ln.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// TestSyslogFormatsDeliver checks the work of BenchmarkSyslog: in every format, the records
// handled all reach the peer, each with the message and every attribute, and none is dropped.
func TestSyslogFormatsDeliver(t *testing.T) {
	const n = 50
	r := cases[1].record()
	ctx := context.Background()
	for _, f := range syslogFormats {
		t.Run(f.name, func(t *testing.T) {
			var got bytes.Buffer
			peer := newSyslogPeer(t, &got)
			h, err := newBenchSyslog(peer.addr(), f.format)
			if err != nil {
				t.Fatal(err)
			}
			for range n {
				if err := h.Handle(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			peer.stop()
			if st := h.Stats(); st.Records != n || st.Dropped != 0 || st.Errors != 0 {
				t.Fatalf("stats %+v, want %d records", st, n)
			}
			out := got.String()
			want := []string{msg, "method=GET", "status=200", "load=3.25", "cached=true", "elapsed=1.5s"}
			for _, w := range want {
				if c := strings.Count(out, w); c != n {
					t.Errorf("%q appears %d times in what the peer read, want %d:\n%.400s", w, c, n, out)
				}
			}
		})
	}
}
