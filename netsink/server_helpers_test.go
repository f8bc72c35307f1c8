package netsink

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"
)

// wireCapture is a slog.Handler that keeps every record it gets and lets a test wait for a
// count. An optional gate blocks Handle until closed (a slow collector).
type wireCapture struct {
	mu      sync.Mutex
	recs    []slog.Record
	changed chan struct{}
	gate    chan struct{}
	entered chan struct{} // receives once per Handle call, when gate is set
}

func newWireCapture() *wireCapture { return &wireCapture{changed: make(chan struct{})} }

func (c *wireCapture) Enabled(context.Context, slog.Level) bool { return true }

func (c *wireCapture) Handle(_ context.Context, r slog.Record) error {
	if c.gate != nil {
		select {
		case c.entered <- struct{}{}:
		default:
		}
		<-c.gate
	}
	c.mu.Lock()
	c.recs = append(c.recs, r.Clone())
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
	return nil
}

func (c *wireCapture) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *wireCapture) WithGroup(string) slog.Handler      { return c }

func (c *wireCapture) records() []slog.Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]slog.Record(nil), c.recs...)
}

// wait blocks until at least n records arrived, or fails the test after a generous bound
// (a hang guard, not a timing assertion).
func (c *wireCapture) wait(t *testing.T, n int) []slog.Record {
	t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		got, ch := len(c.recs), c.changed
		c.mu.Unlock()
		if got >= n {
			return c.records()
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("waited for %d records, got %d", n, got)
		}
	}
}

// wireServe runs srv on a fresh listener at addr ("127.0.0.1:0" for any port) and returns
// the listener's address; cleanup closes the server and checks Serve's result.
func wireServe(t *testing.T, srv *Server, addr string) string {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
	})
	return l.Addr().String()
}

func wireAttrInt(r slog.Record, key string) int64 {
	var v int64 = -1
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			v = a.Value.Int64()
			return false
		}
		return true
	})
	return v
}

// wireFastBackoff makes reconnects quick in tests.
var wireFastBackoff = Backoff{Initial: time.Millisecond, Max: 20 * time.Millisecond}
