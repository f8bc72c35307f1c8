package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/forward/forwardtest"
	"github.com/slogx/handlers/netsink/otlp/otlptest"
)

// Records received from a Socket leave the collector for a Fluent Forward server and an OTLP
// receiver; closing the collector delivers what it still holds.
func TestCollectorForwards(t *testing.T) {
	fwd := forwardtest.NewServer(t, forwardtest.Options{})
	otlp := otlptest.NewReceiver(t, otlptest.Options{})
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
	var got []string
	for _, e := range fwd.Entries() {
		got = append(got, fmt.Sprint(e.Tag, " ", e.Record["message"]))
	}
	if w := []string{"test one", "test two", "test three"}; !slices.Equal(got, w) {
		t.Errorf("forward got %q, want %q", got, w)
	}
	got = nil
	for _, r := range otlp.Records() {
		got = append(got, fmt.Sprint(r.Body))
	}
	if !slices.Equal(got, want) {
		t.Errorf("otlp got %q, want %q", got, want)
	}
}
