package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/queue"
	"github.com/slogx/handlers/rotate"
	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

// demoEngine shows the one core at work: a collector that accepted the connection and stopped
// reading never holds up a log call, the counters say what happened, and one Flush and one
// Close at the front of a chain reach every handler behind it.
func demoEngine(out io.Writer, dir string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	stalled := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			stalled <- c // held open, never read
		}
	}()
	defer func() {
		for len(stalled) > 0 {
			(<-stalled).Close()
		}
	}()
	sock, err := netsink.NewSocket(ln.Addr().String(), netsink.SocketOptions{Delivery: netsink.Delivery{Buffer: 1 << 20, CloseTimeout: 50 * time.Millisecond}},
		&slogx.Options{OnError: func(error) {}})
	if err != nil {
		return err
	}
	msg := strings.Repeat("x", 1000)
	var worst time.Duration
	const n = 5000
	for i := range n {
		start := time.Now()
		sock.Handle(context.Background(), record(msg, i))
		worst = max(worst, time.Since(start))
	}
	st := sock.Stats()
	fmt.Fprintf(out, "socket -> collector that stopped reading: %d records of 1 kB, slowest log call %v\n", n, worst.Round(time.Microsecond))
	fmt.Fprintf(out, "  Records %d (delivered = acknowledged), Dropped %d (buffer full), pending %d\n", st.Records, st.Dropped, sock.Pending())
	sock.Close()
	st = sock.Stats()
	fmt.Fprintf(out, "  after Close: Records %d, Dropped %d (the unacknowledged ones, with their cause)\n", st.Records, st.Dropped)

	quiet := &slogx.Options{OnError: func(error) {}} // the late record below is refused on purpose
	file, err := sinks.NewFile(filepath.Join(dir, "engine.log"), sinks.FileOptions{}, quiet)
	if err != nil {
		return err
	}
	rot, err := rotate.NewSizeHandler(filepath.Join(dir, "engine-rot.log"), rotate.SizeOptions{MaxBytes: 1 << 20, BackupCount: 2}, nil)
	if err != nil {
		return err
	}
	q := queue.New(slogx.LevelFilter(slogx.Fanout(file, rot), slog.LevelInfo), queue.Options{Overflow: slogx.DropNewest})
	slog.New(q).Info("through queue, level filter and fan-out")
	if err := slogx.Flush(context.Background(), q); err != nil {
		return err
	}
	if err := q.Close(); err != nil {
		return err
	}
	err = file.Handle(context.Background(), record("late", 0))
	fmt.Fprintf(out, "queue(LevelFilter(Fanout(file, rotating))).Close() closed both: a late record gets %q\n", err)
	return nil
}

func record(msg string, i int) slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, msg, 0)
	r.AddAttrs(slog.Int("i", i))
	return r
}
