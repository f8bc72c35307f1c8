package netsink_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/syslog"
	"github.com/slogx/handlers/slogx"
)

// stalledPeer is a raw listener on 127.0.0.1 that accepts connections and never reads: a
// collector or daemon that hangs with the connection open.
// stalledBound is the longest a Handle may take: a call that waited on the stalled peer
// would take WriteTimeout, an hour.
const stalledBound = 2 * time.Second

func stalledPeer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// TestStalledPeerNeverBlocksHandle is the engine's promise: with a peer that accepted the
// connection and stopped reading, no log call waits on the network. The writes to that peer
// may block for an hour (WriteTimeout), so a log call that waited on one would take an hour:
// no Handle of the 20,000 records of 1 kB may take stalledBound (seconds, far beyond any
// scheduler or GC pause, so the test cannot fail on a loaded machine). What did not fit is
// counted as Dropped, and nothing is counted twice; Close, which cancels the stuck write,
// returns within its own bound.
func TestStalledPeerNeverBlocksHandle(t *testing.T) {
	type handler interface {
		slog.Handler
		Stats() slogx.Stats
		Close() error
	}
	for _, tc := range []struct {
		name  string
		acked bool // Records must stay 0: nothing can be acknowledged
		open  func(addr string) (handler, func() int, error)
	}{
		{"socket", true, func(addr string) (handler, func() int, error) {
			s, err := netsink.NewSocket(addr, netsink.SocketOptions{WriteTimeout: time.Hour, Delivery: netsink.Delivery{CloseTimeout: 100 * time.Millisecond}}, &slogx.Options{OnError: func(error) {}})
			if err != nil {
				return nil, nil, err
			}
			return s, s.Pending, nil
		}},
		{"syslog tcp", false, func(addr string) (handler, func() int, error) {
			s, err := syslog.New(syslog.Options{Network: "tcp", Addr: addr, DialTimeout: 100 * time.Millisecond, WriteTimeout: time.Hour, Delivery: netsink.Delivery{CloseTimeout: 100 * time.Millisecond}}, &slogx.Options{OnError: func(error) {}})
			if err != nil {
				return nil, nil, err
			}
			return s, s.Pending, nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nettest.NoLeak(t)
			h, pending, err := tc.open(stalledPeer(t))
			if err != nil {
				t.Fatal(err)
			}
			const n = 20000
			msg := strings.Repeat("x", 1000)
			ctx := context.Background()
			var worst time.Duration
			refused := 0
			for i := range n {
				r := slog.NewRecord(time.Now(), slog.LevelInfo, msg, 0)
				r.AddAttrs(slog.Int("i", i))
				start := time.Now()
				err := h.Handle(ctx, r)
				worst = max(worst, time.Since(start))
				if err != nil {
					if !errors.Is(err, slogx.ErrBufferFull) {
						t.Fatalf("record %d: %v", i, err)
					}
					refused++
				}
			}
			if worst >= stalledBound {
				t.Errorf("the slowest Handle took %v (bound %v)", worst, stalledBound)
			}
			st := h.Stats()
			if refused == 0 || st.Dropped != uint64(refused) {
				t.Errorf("refused %d, stats %+v", refused, st)
			}
			if tc.acked && st.Records != 0 {
				t.Errorf("%d records counted as delivered by a peer that reads nothing", st.Records)
			}
			if got := st.Records + st.Dropped + uint64(pending()); got != n {
				t.Errorf("delivered %d + dropped %d + pending %d = %d, want %d", st.Records, st.Dropped, pending(), got, n)
			}
			start := time.Now()
			// Without acks, Close may still hand the rest to a new connection's kernel buffer.
			if err := h.Close(); tc.acked && err == nil {
				t.Errorf("Close returned nil with %d records unacknowledged", pending())
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Close took %v", d)
			}
			st = h.Stats()
			if st.Records+st.Dropped != n || (tc.acked && st.Records != 0) {
				t.Errorf("after Close: %+v, want Records+Dropped = %d", st, n)
			}
		})
	}
}

// TestBlockBoundIsPerCall: under slogx.Block, a log call waits at most EnqueueTimeout for
// room, whatever the number of callers waiting with it. The handler must not hold its lock
// while the writer waits, or the k-th caller would wait k bounds.
func TestBlockBoundIsPerCall(t *testing.T) {
	nettest.NoLeak(t)
	const bound = 300 * time.Millisecond
	const callers = 8 // one after the other would take 2.4 s
	s, err := netsink.NewSocket(stalledPeer(t), netsink.SocketOptions{Delivery: netsink.Delivery{Buffer: 4 << 10, Overflow: slogx.Block,
		EnqueueTimeout: bound, CloseTimeout: time.Millisecond}}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	msg := strings.Repeat("x", 1000)
	// Fill the buffer: the peer reads nothing, so these stay.
	for range 4 {
		s.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelInfo, msg, 0))
	}
	var wg sync.WaitGroup
	start := time.Now()
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelInfo, msg, 0))
			if !errors.Is(err, slogx.ErrBufferFull) {
				t.Errorf("Handle: %v, want buffer full", err)
			}
		}()
	}
	wg.Wait()
	// Concurrent waits take about one bound; serialized ones eight. Half of the serialized
	// time leaves room for a loaded machine without letting serialization pass.
	if took := time.Since(start); took > callers*bound/2 {
		t.Errorf("%d callers blocked for %v in all: the bound of %v is not per call", callers, took, bound)
	}
}
