package slogx_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/slogx/handlers/slogx"
)

// ownedHandler records Flush and Close calls; it stands for any handler that buffers and
// owns resources.
type ownedHandler struct {
	slog.Handler
	flushes, closes int
	err             error
}

func (o *ownedHandler) Flush(context.Context) error { o.flushes++; return o.err }
func (o *ownedHandler) Close() error                { o.closes++; return o.err }

func newOwned() *ownedHandler {
	return &ownedHandler{Handler: slog.NewJSONHandler(io.Discard, nil)}
}

func TestMiddlewareForwardsFlushAndClose(t *testing.T) {
	type chain func(a, b *ownedHandler) slog.Handler
	keep := func(context.Context, slog.Record) bool { return true }
	chains := map[string]chain{
		"Fanout":   func(a, b *ownedHandler) slog.Handler { return slogx.Fanout(a, b) },
		"Failover": func(a, b *ownedHandler) slog.Handler { return slogx.Failover(a, b) },
		"Filter": func(a, b *ownedHandler) slog.Handler {
			return slogx.Filter(slogx.Fanout(a, b), keep)
		},
		"LevelFilter": func(a, b *ownedHandler) slog.Handler {
			return slogx.LevelFilter(slogx.Fanout(a, b), slog.LevelDebug)
		},
		"Memory": func(a, b *ownedHandler) slog.Handler {
			return slogx.Memory(slogx.Fanout(a, b), slogx.MemoryOptions{})
		},
		"nested": func(a, b *ownedHandler) slog.Handler {
			return slogx.LevelFilter(slogx.Filter(slogx.Memory(slogx.Fanout(a, slogx.Filter(b, keep)), slogx.MemoryOptions{}), keep), nil)
		},
	}
	for name, mk := range chains {
		t.Run(name, func(t *testing.T) {
			a, b := newOwned(), newOwned()
			h := mk(a, b)
			if err := slogx.Flush(context.Background(), h); err != nil {
				t.Fatal(err)
			}
			if a.flushes != 1 || b.flushes != 1 {
				t.Fatalf("flushes %d %d, want 1 1", a.flushes, b.flushes)
			}
			if err := slogx.Close(h); err != nil {
				t.Fatal(err)
			}
			if a.closes != 1 || b.closes != 1 {
				t.Fatalf("closes %d %d, want 1 1", a.closes, b.closes)
			}
		})
	}
}

func TestFanoutJoinsErrorsAndReachesEveryTarget(t *testing.T) {
	a, b := newOwned(), newOwned()
	a.err = errors.New("a failed")
	h := slogx.Fanout(a, b)
	if err := slogx.Flush(context.Background(), h); !errors.Is(err, a.err) {
		t.Fatalf("flush error %v", err)
	}
	if err := slogx.Close(h); !errors.Is(err, a.err) {
		t.Fatalf("close error %v", err)
	}
	if b.flushes != 1 || b.closes != 1 {
		t.Fatalf("b not reached after a failed: %+v", b)
	}
}

func TestFanoutOfOneIsThatHandler(t *testing.T) {
	a := newOwned()
	if h := slogx.Fanout(a); h != slog.Handler(a) {
		t.Fatalf("Fanout(a) = %T, want a itself", h)
	}
}

func TestMemoryFlushFlushesTarget(t *testing.T) {
	a := newOwned()
	m := slogx.Memory(a, slogx.MemoryOptions{})
	slog.New(m).Info("x")
	if err := m.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.flushes != 1 || m.Len() != 0 {
		t.Fatalf("flushes %d, buffered %d", a.flushes, m.Len())
	}
}
