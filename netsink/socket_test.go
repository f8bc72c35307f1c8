package netsink

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/internal/wire"
	"github.com/slogx/handlers/slogx"
)

func TestSocketDelivers(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	srv := &Server{Handler: capt}
	addr := wireServe(t, srv, "127.0.0.1:0")
	s, err := NewSocket(addr, SocketOptions{}, &slogx.Options{Level: slog.LevelDebug})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l := slog.New(s).With("app", "test").WithGroup("req")
	const n = 100
	for i := 0; i < n; i++ {
		l.Debug("hello", "i", i, slog.Group("g", "x", true))
	}
	if err := s.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	recs := capt.wait(t, n)
	for i, r := range recs {
		var got []string
		r.Attrs(func(a slog.Attr) bool {
			got = append(got, a.String())
			return true
		})
		want := fmt.Sprintf("app=test req=[i=%d g=[x=true]]", i)
		if strings.Join(got, " ") != want || r.Message != "hello" || r.Level != slog.LevelDebug {
			t.Fatalf("record %d: %v %q %v, want %s", i, r.Level, r.Message, got, want)
		}
	}
	if st := s.Stats(); st.Records != n || st.Dropped != 0 || st.Errors != 0 || s.Pending() != 0 {
		t.Errorf("stats %+v pending %d", st, s.Pending())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Handle(context.Background(), slog.NewRecord(time.Now(), 0, "late", 0)); !errors.Is(err, slogx.ErrClosed) {
		t.Errorf("Handle after Close: %v", err)
	}
	if st := srv.Stats(); st.Records != n || st.Duplicates != 0 {
		t.Errorf("server stats %+v", st)
	}
}

// TestSocketSlogtest runs slogtest end to end: Socket -> TCP -> Server -> decoded records.
func TestSocketSlogtest(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	addr := wireServe(t, &Server{Handler: capt}, "127.0.0.1:0")
	s, err := NewSocket(addr, SocketOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = slogtest.TestHandler(s, func() []map[string]any {
		if err := s.Flush(nettest.Ctx(t)); err != nil {
			t.Fatal(err)
		}
		var ms []map[string]any
		for _, r := range capt.records() {
			ms = append(ms, nettest.RecordMap(r))
		}
		return ms
	})
	if err != nil {
		t.Fatal(err)
	}
}

// wireRestart logs records 0..n-1 through a Socket while the collector is stopped (by stop)
// and restarted on the same port half way, and returns the "i" of every record the
// collectors handled, in order.
func wireRestart(t *testing.T, stop func(*Server), shareDedup bool) []int64 {
	capt := newWireCapture()
	dedup := NewDedup(0)
	srv1 := &Server{Handler: capt, Dedup: dedup}
	l1, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l1.Addr().String()
	done1 := make(chan error, 1)
	go func() { done1 <- srv1.Serve(l1) }()

	s, err := NewSocket(addr, SocketOptions{Delivery: Delivery{Backoff: wireFastBackoff}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 3000
	logged := make(chan struct{})
	go func() {
		defer close(logged)
		for i := 0; i < n; i++ {
			if err := s.Handle(context.Background(), wireRecI(i)); err != nil {
				t.Errorf("Handle %d: %v", i, err)
			}
		}
	}()
	capt.wait(t, n/3) // the stream is flowing
	stop(srv1)
	if err := <-done1; !errors.Is(err, ErrServerClosed) {
		t.Fatalf("Serve: %v", err)
	}
	srv2 := &Server{Handler: capt}
	if shareDedup {
		srv2.Dedup = dedup
	}
	wireServe(t, srv2, addr)
	<-logged
	if err := s.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Records != n || st.Dropped != 0 {
		t.Errorf("socket stats %+v", st)
	}
	var got []int64
	for _, r := range capt.records() {
		got = append(got, wireAttrInt(r, "i"))
	}
	return got
}

func wireRecI(i int) slog.Record {
	r := slog.NewRecord(time.Unix(int64(i), 0), slog.LevelInfo, "rec", 0)
	r.AddAttrs(slog.Int("i", i))
	return r
}

func wireExactlyOnce(t *testing.T, got []int64, n int) {
	t.Helper()
	if len(got) != n {
		t.Errorf("%d records arrived, want %d", len(got), n)
	}
	for i, v := range got {
		if v != int64(i) {
			t.Fatalf("record %d is i=%d: lost, duplicated or reordered", i, v)
		}
	}
}

// A collector killed mid-stream (connections cut, no last ack) and restarted on the same
// port with the same Dedup: every record arrives exactly once, in order.
func TestSocketCollectorKilledAndRestarted(t *testing.T) {
	nettest.NoLeak(t)
	got := wireRestart(t, func(s *Server) { s.Close() }, true)
	wireExactlyOnce(t, got, 3000)
}

// A collector shut down gracefully (last ack sent, lingering close) and replaced by a fresh
// process (empty Dedup): still exactly once, in order.
func TestSocketCollectorShutdownAndReplaced(t *testing.T) {
	nettest.NoLeak(t)
	got := wireRestart(t, func(s *Server) {
		if err := s.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	}, false)
	wireExactlyOnce(t, got, 3000)
}

// A collector killed and replaced by a fresh process: nothing is lost and the order holds;
// records handled but not acknowledged before the kill may be handled twice (at least once),
// and only those: every duplicate directly repeats a run that ended at the kill.
func TestSocketCollectorKilledAndReplaced(t *testing.T) {
	nettest.NoLeak(t)
	got := wireRestart(t, func(s *Server) { s.Close() }, false)
	const n = 3000
	rewinds := 0
	next := int64(0)
	for i, v := range got {
		switch {
		case v == next:
			next++
		case v < next:
			if i > 0 && got[i-1] >= v && v != got[i-1]+1 {
				rewinds++
			}
		default:
			t.Fatalf("record %d is i=%d, expected %d: lost", i, v, next)
		}
	}
	if next != n {
		t.Fatalf("last record %d, want %d", next-1, n-1)
	}
	if rewinds > 1 {
		t.Errorf("%d replays, want at most one (at the kill)", rewinds)
	}
}

// A collector whose handler blocks: Handle fills the buffer, then waits at most
// EnqueueTimeout and drops, counted — it never waits for the network.
func TestSocketSlowCollectorDoesNotBlock(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	capt.gate = make(chan struct{})
	capt.entered = make(chan struct{}, 1)
	addr := wireServe(t, &Server{Handler: capt}, "127.0.0.1:0")
	var errs []error
	var mu sync.Mutex
	s, err := NewSocket(addr, SocketOptions{Delivery: Delivery{Buffer: 4 << 10, EnqueueTimeout: 5 * time.Millisecond, CloseTimeout: time.Millisecond}},
		&slogx.Options{OnError: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Handle(context.Background(), wireRecI(0)); err != nil {
		t.Fatal(err)
	}
	<-capt.entered // the collector is now stuck in its handler
	dropped := 0
	for i := 1; i < 200; i++ {
		if err := s.Handle(context.Background(), wireRecI(i)); err != nil {
			if !errors.Is(err, slogx.ErrBufferFull) {
				t.Fatalf("Handle: %v", err)
			}
			dropped++
		}
	}
	// Handle returned 199 times while the collector is still blocked.
	if dropped == 0 {
		t.Fatal("a 4 KiB buffer held 200 records")
	}
	if st := s.Stats(); st.Dropped != uint64(dropped) {
		t.Errorf("Dropped = %d, want %d", st.Dropped, dropped)
	}
	close(capt.gate)
	if err := s.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	got := capt.records()
	if len(got)+dropped != 200 {
		t.Errorf("%d delivered + %d dropped != 200", len(got), dropped)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != dropped {
		t.Errorf("%d errors reported for %d drops", len(errs), dropped)
	}
}

// Records logged while no collector listens wait in the buffer and arrive in order once one
// starts; the ones beyond the buffer are dropped and counted.
func TestSocketBuffersWhileDown(t *testing.T) {
	nettest.NoLeak(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nobody listens: connects are refused
	var reported sync.WaitGroup
	reported.Add(1)
	var once sync.Once
	s, err := NewSocket(addr, SocketOptions{Delivery: Delivery{Backoff: wireFastBackoff, Buffer: 100 * 64}}, &slogx.Options{OnError: func(err error) {
		if !errors.Is(err, slogx.ErrBufferFull) {
			once.Do(reported.Done) // a failed connect was reported
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	dropped := 0
	for i := 0; i < 200; i++ {
		if err := s.Handle(context.Background(), wireRecI(i)); err != nil {
			dropped++
		}
	}
	reported.Wait()
	if dropped == 0 || s.Stats().Dropped != uint64(dropped) || s.Stats().Errors == 0 {
		t.Fatalf("dropped %d, stats %+v", dropped, s.Stats())
	}
	capt := newWireCapture()
	wireServe(t, &Server{Handler: capt}, addr)
	if err := s.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	got := capt.records()
	if len(got) != 200-dropped {
		t.Fatalf("%d arrived, want %d", len(got), 200-dropped)
	}
	for i, r := range got {
		if wireAttrInt(r, "i") != int64(i) {
			t.Fatalf("record %d has i=%d", i, wireAttrInt(r, "i"))
		}
	}
}

// Close with a collector that never comes: the wait is bounded and the loss counted.
func TestSocketCloseCountsUnacked(t *testing.T) {
	nettest.NoLeak(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s, err := NewSocket(addr, SocketOptions{Delivery: Delivery{Backoff: wireFastBackoff, CloseTimeout: 10 * time.Millisecond}}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		_ = s.Handle(context.Background(), wireRecI(i))
	}
	if err := s.Close(); err == nil {
		t.Fatal("Close returned nil with 5 undelivered records")
	}
	if st := s.Stats(); st.Dropped != 5 {
		t.Errorf("Dropped = %d", st.Dropped)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestSocketTooLarge(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	addr := wireServe(t, &Server{Handler: capt}, "127.0.0.1:0")
	s, err := NewSocket(addr, SocketOptions{MaxFrame: 200}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := slog.NewRecord(time.Now(), 0, strings.Repeat("x", 300), 0)
	if err := s.Handle(context.Background(), r); !errors.Is(err, wire.ErrFrameTooLarge) {
		t.Fatalf("err = %v", err)
	}
	if err := s.Handle(context.Background(), wireRecI(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Dropped != 1 || st.Records != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestNewSocketErrors(t *testing.T) {
	if _, err := NewSocket("no-port", SocketOptions{}, nil); err == nil {
		t.Error("no error for an address without port")
	}
	if _, err := NewSocket("127.0.0.1:1", SocketOptions{}, &slogx.Options{Encoder: slogx.JSON()}); err == nil {
		t.Error("no error for a JSON encoder")
	}
}

// 1000 Sockets, each its own connection, log concurrently to one Server.
func TestSocketThousandSenders(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	srv := &Server{Handler: capt}
	addr := wireServe(t, srv, "127.0.0.1:0")
	const senders, per = 1000, 5
	var wg sync.WaitGroup
	for g := 0; g < senders; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := NewSocket(addr, SocketOptions{}, nil)
			if err != nil {
				t.Error(err)
				return
			}
			l := slog.New(s).With("g", g)
			for i := 0; i < per; i++ {
				l.Info("m", "i", i)
			}
			if err := s.Flush(nettest.Ctx(t)); err != nil {
				t.Error(err)
			}
			if err := s.Close(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	recs := capt.records()
	if len(recs) != senders*per {
		t.Fatalf("%d records, want %d", len(recs), senders*per)
	}
	next := map[int64]int64{}
	for _, r := range recs {
		g, i := wireAttrInt(r, "g"), wireAttrInt(r, "i")
		if next[g] != i {
			t.Fatalf("sender %d: got i=%d, want %d", g, i, next[g])
		}
		next[g]++
	}
	if st := srv.Stats(); st.Conns < senders || st.Records != senders*per {
		t.Errorf("server stats %+v", st)
	}
}

func TestSocketTLS(t *testing.T) {
	nettest.NoLeak(t)
	cert, pool := nettest.TestCert(t)
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	capt := newWireCapture()
	srv := &Server{Handler: capt}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	defer func() {
		srv.Close()
		<-done
	}()
	s, err := NewSocket(l.Addr().String(), SocketOptions{TLS: &tls.Config{RootCAs: pool, ServerName: "localhost"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	slog.New(s).Info("over tls", "k", "v")
	if err := s.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if recs := capt.records(); len(recs) != 1 || recs[0].Message != "over tls" {
		t.Fatalf("got %v", recs)
	}
}

// With EnqueueTimeout, Handle waits for room and succeeds when the collector catches up.
func TestSocketEnqueueWaitsForRoom(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	capt.gate = make(chan struct{})
	capt.entered = make(chan struct{}, 1)
	addr := wireServe(t, &Server{Handler: capt}, "127.0.0.1:0")
	one := len(wire.EncodeRecord(nil, wireRecI(0))) + 64 // a framed record with id and seq fits
	s, err := NewSocket(addr, SocketOptions{Delivery: Delivery{Buffer: one, EnqueueTimeout: time.Hour}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Handle(context.Background(), wireRecI(0)); err != nil {
		t.Fatal(err)
	}
	<-capt.entered
	done := make(chan error, 1)
	go func() { done <- s.Handle(context.Background(), wireRecI(1)) }()
	close(capt.gate) // record 0 is handled and acked: room for record 1
	if err := <-done; err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if err := s.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := capt.records(); len(got) != 2 || s.Stats().Dropped != 0 {
		t.Errorf("%d records, stats %+v", len(got), s.Stats())
	}
}

// A record the collector refuses (larger than the Server's MaxFrame) must not hold up the
// records behind it for good: after a few connections die on it, it is dropped and counted,
// and everything else arrives, in order.
func TestSocketPoisonRecordDropped(t *testing.T) {
	nettest.NoLeak(t)
	capt := newWireCapture()
	addr := wireServe(t, &Server{Handler: capt, MaxFrame: 300, OnError: func(error) {}}, "127.0.0.1:0")
	var reported []error
	var mu sync.Mutex
	s, err := NewSocket(addr, SocketOptions{Delivery: Delivery{Backoff: Backoff{Initial: time.Millisecond, Max: 4 * time.Millisecond}}},
		&slogx.Options{OnError: func(err error) { mu.Lock(); reported = append(reported, err); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	s.Handle(ctx, wireRecI(1))
	if err := s.Flush(nettest.Ctx(t)); err != nil { // the first record is acknowledged on its own
		t.Fatal(err)
	}
	s.Handle(ctx, slog.NewRecord(time.Now(), 0, strings.Repeat("x", 1000), 0))
	s.Handle(ctx, wireRecI(2))
	s.Handle(ctx, wireRecI(3))
	if err := s.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Dropped != 1 || st.Records != 3 {
		t.Errorf("stats %+v", st)
	}
	var got []int64
	for _, r := range capt.records() {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "i" {
				got = append(got, a.Value.Int64())
			}
			return true
		})
	}
	if fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("collector got %v", got)
	}
	mu.Lock()
	defer mu.Unlock()
	found := false
	for _, err := range reported {
		found = found || strings.Contains(err.Error(), "without acknowledging it: dropped")
	}
	if !found {
		t.Errorf("drop not reported: %v", reported)
	}
}
