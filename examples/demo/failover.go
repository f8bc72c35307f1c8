package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

// demoFailover: a Socket to a collector that is down holds what fits in its buffer; once the
// buffer is full its Handle refuses, and Failover writes the record to a local file instead.
func demoFailover(out io.Writer, dir string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close() // the collector is down: nothing listens there any more

	quiet := &slogx.Options{OnError: func(error) {}} // the refusals are counted below
	sock, err := netsink.NewSocket(addr, netsink.SocketOptions{Delivery: netsink.Delivery{Buffer: 4 << 10, Overflow: slogx.DropNewest,
		CloseTimeout: 50 * time.Millisecond}}, quiet)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "failover.log")
	file, err := sinks.NewFile(path, sinks.FileOptions{}, &slogx.Options{Encoder: slogx.Text()})
	if err != nil {
		return err
	}
	logger := slog.New(slogx.Failover(sock, file))
	const n = 100
	for i := range n {
		logger.Info("order placed", "id", i)
	}
	buffered := n - int(sock.Stats().Dropped)
	// Close closes both; the socket's error says what it could not deliver.
	closeErr := slogx.Close(logger.Handler())
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	fmt.Fprintf(out, "Failover(Socket to %s (down, 4 KiB buffer), file): %d records\n", addr, n)
	fmt.Fprintf(out, "  socket buffered the first %d, waiting for the collector; its Handle refused the rest\n", buffered)
	fmt.Fprintf(out, "  failover.log got the %d it refused, the first: %s\n", len(lines), lines[0][strings.Index(lines[0], "level="):])
	fmt.Fprintf(out, "  Close: %v\n", closeErr)
	fmt.Fprintf(out, "  socket after Close: Dropped %d (the %d refused + the %d never acknowledged)\n",
		sock.Stats().Dropped, n-buffered, buffered)
	if len(lines) != n-buffered {
		return fmt.Errorf("failover.log has %d records, want %d", len(lines), n-buffered)
	}
	return nil
}
