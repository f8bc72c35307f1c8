package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
)

func TestCollector(t *testing.T) {
	out := filepath.Join(t.TempDir(), "collected.log")
	echo := &notifyWriter{wrote: make(chan struct{}, 10)}
	col, err := listen(config{tcp: "127.0.0.1:0", udp: "127.0.0.1:0", out: out, shutdownIn: 5 * time.Second}, echo)
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
	slog.New(s).Info("via tcp", "n", 1)
	fctx, fcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer fcancel()
	if err := s.Flush(fctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	d, err := netsink.NewDatagram(col.pc.LocalAddr().String(), netsink.DatagramOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	slog.New(d).Warn("via udp", "n", 2)
	d.Close()
	// UDP gives no ack: wait until the collector echoed both records.
	for i := 0; i < 2; i++ {
		select {
		case <-echo.wrote:
		case <-time.After(20 * time.Second):
			t.Fatalf("%d records echoed", i)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"msg":"via tcp","n":1`) || !strings.Contains(lines[1], `"level":"WARN","msg":"via udp","n":2`) {
		t.Errorf("file:\n%s", b)
	}
	if e := echo.buf.String(); !strings.Contains(e, `msg="via tcp" n=1`) || !strings.Contains(e, `msg="via udp" n=2`) {
		t.Errorf("echo:\n%s", e)
	}
}

// notifyWriter signals every Write (the handler serializes them).
type notifyWriter struct {
	buf   bytes.Buffer
	wrote chan struct{}
}

func (w *notifyWriter) Write(p []byte) (int, error) {
	n, err := w.buf.Write(p)
	w.wrote <- struct{}{}
	return n, err
}
