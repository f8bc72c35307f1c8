package netsink

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/queue"
	"github.com/slogx/handlers/slogx"
)

// Flush through any chain of middleware waits for the network handler behind it: when it
// returns, the collector has every record. Close of the outermost handler closes the Socket.
func TestFlushAndCloseThroughMiddlewareReachSocket(t *testing.T) {
	nettest.NoLeak(t)
	keep := func(context.Context, slog.Record) bool { return true }
	chains := map[string]func(h slog.Handler) slog.Handler{
		"queue+filters+fanout": func(h slog.Handler) slog.Handler {
			other := slogx.NewHandler(discardWriter{}, nil)
			return queue.New(slogx.Filter(slogx.LevelFilter(slogx.Fanout(other, h), slog.LevelInfo), keep), queue.Options{})
		},
		"memory": func(h slog.Handler) slog.Handler {
			return slogx.Memory(slogx.Filter(h, keep), slogx.MemoryOptions{Capacity: 1 << 20})
		},
	}
	for name, chain := range chains {
		t.Run(name, func(t *testing.T) {
			capt := newWireCapture()
			srv := &Server{Handler: capt}
			addr := wireServe(t, srv, "127.0.0.1:0")
			sock, err := NewSocket(addr, SocketOptions{}, &slogx.Options{OnError: func(error) {}})
			if err != nil {
				t.Fatal(err)
			}
			h := chain(sock)
			const n = 200
			l := slog.New(h)
			for i := range n {
				l.Info("r", "i", i)
			}
			if err := slogx.Flush(nettest.Ctx(t), h); err != nil {
				t.Fatal(err)
			}
			if got := len(capt.records()); got != n {
				t.Fatalf("after Flush the collector has %d records, want %d", got, n)
			}
			if st := sock.Stats(); st.Records != n {
				t.Fatalf("socket stats %+v, want %d records", st, n)
			}
			if err := slogx.Close(h); err != nil {
				t.Fatal(err)
			}
			late := slog.NewRecord(time.Now(), slog.LevelInfo, "late", 0)
			if err := sock.Handle(context.Background(), late); !errors.Is(err, slogx.ErrClosed) {
				t.Fatalf("Socket accepts records after the chain was closed: %v", err)
			}
		})
	}
}

type discardWriter struct{}

func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }
