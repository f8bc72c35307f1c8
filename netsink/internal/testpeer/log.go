// Package testpeer is what the test peers (netsink/forward/forwardtest, netsink/otlp/otlptest)
// share: a record of what arrived that a test can wait on, failing at the test's deadline
// rather than after a timer of its own, and a gunzip bounded in what it produces.
package testpeer

import (
	"sync"
	"testing"
	"time"
)

// Log holds what a peer received, in arrival order. It is safe for concurrent use.
type Log[T any] struct {
	mu      sync.Mutex
	items   []T
	changed chan struct{} // closed and replaced at every Add
}

// Add appends items and wakes the waiters.
func (l *Log[T]) Add(items ...T) {
	l.mu.Lock()
	l.items = append(l.items, items...)
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
	l.mu.Unlock()
}

// All returns a copy of the items so far.
func (l *Log[T]) All() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.items...)
}

// Len returns how many items arrived.
func (l *Log[T]) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.items)
}

// watch returns the items when there are at least n, else a channel closed at the next Add.
func (l *Log[T]) watch(n int) ([]T, int, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.items) >= n {
		return append([]T(nil), l.items...), len(l.items), nil
	}
	if l.changed == nil {
		l.changed = make(chan struct{})
	}
	return nil, len(l.items), l.changed
}

// Wait returns the items once there are at least n. With a tb it fails tb (Fatalf, so it
// must run on the test's goroutine) shortly before the test binary's deadline or when done
// is closed first; without one (a peer started outside a test) it returns what arrived when
// done is closed. what names the items in the failure.
func (l *Log[T]) Wait(tb testing.TB, n int, done <-chan struct{}, what string) []T {
	if tb != nil {
		tb.Helper()
	}
	var expire <-chan time.Time
	if dl, ok := deadline(tb); ok {
		t := time.NewTimer(time.Until(dl))
		defer t.Stop()
		expire = t.C
	}
	for {
		items, got, changed := l.watch(n)
		if changed == nil {
			return items
		}
		select {
		case <-changed:
		case <-expire:
			tb.Fatalf("%d %s arrived before the test's deadline, want %d", got, what, n)
		case <-done:
			if tb != nil {
				tb.Fatalf("%d %s arrived before the peer was closed, want %d", got, what, n)
			}
			return l.All()
		}
	}
}

// deadline is when a wait gives up: a little before tb's deadline (go test -timeout), so
// that the failure says what was missing instead of the binary's panic.
func deadline(tb testing.TB) (time.Time, bool) {
	d, ok := tb.(interface{ Deadline() (time.Time, bool) })
	if !ok {
		return time.Time{}, false
	}
	dl, ok := d.Deadline()
	if !ok {
		return time.Time{}, false
	}
	return dl.Add(-min(time.Until(dl)/10, 5*time.Second)), true
}
