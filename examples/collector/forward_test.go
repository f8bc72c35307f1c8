package main

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/slogx/handlers/examples/internal/standin"
	"github.com/slogx/handlers/netsink"
)

// Records received from a Socket leave the collector for a Fluent Forward server and an OTLP
// receiver; closing the collector delivers what it still holds.
func TestCollectorForwards(t *testing.T) {
	fwd, err := standin.NewForward()
	if err != nil {
		t.Fatal(err)
	}
	defer fwd.Close()
	otlp := standin.NewOTLP()
	defer otlp.Close()
	col, err := listen(config{tcp: "127.0.0.1:0", quiet: true, shutdownIn: 5 * time.Second,
		forward: fwd.Addr(), forwardTag: "test", otlp: otlp.URL()}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- col.run(ctx) }()
	s, err := netsink.NewSocket(col.ln.Addr().String(), netsink.SocketOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"one", "two", "three"}
	for _, m := range want {
		slog.New(s).Info(m)
	}
	fctx, fcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer fcancel()
	if err := s.Flush(fctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	cancel() // Close of the outputs delivers what they hold
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := fwd.All(); !slices.Equal(got, want) {
		t.Errorf("forward got %q, want %q", got, want)
	}
	if got := otlp.All(); !slices.Equal(got, want) {
		t.Errorf("otlp got %q, want %q", got, want)
	}
}
