package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/slogx"
)

// demoWire runs a collector (netsink.Server) on 127.0.0.1, sends records to it through a
// Socket (TCP, acknowledged) and a Datagram (UDP), restarts the collector mid-way to show
// the replay, and prints what arrived where.
func demoWire(out io.Writer, dir string) error {
	path := filepath.Join(dir, "collected.jsonl")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	file := slogx.NewHandler(f, nil)
	defer file.Close()
	echo := slogx.NewHandler(&demoPrefix{w: out, prefix: "  collector got: "}, &slogx.Options{
		Encoder: slogx.Text(),
		// The demo's output should not depend on the clock.
		ReplaceAttr: func(gs []string, a slog.Attr) slog.Attr {
			if len(gs) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	arrived := &demoCounter{h: demoBoth{file, echo}, ch: make(chan struct{}, 64)}
	dedup := netsink.NewDedup(0) // shared by both collector incarnations: no duplicates

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		ln.Close()
		return err
	}
	srv := &netsink.Server{Handler: arrived, Dedup: dedup}
	var wg sync.WaitGroup
	serve := func(s *netsink.Server, l net.Listener, p net.PacketConn) {
		wg.Add(1)
		go func() { defer wg.Done(); _ = s.Serve(l) }()
		if p != nil {
			wg.Add(1)
			go func() { defer wg.Done(); _ = s.ServePacket(p) }()
		}
	}
	serve(srv, ln, pc)
	fmt.Fprintf(out, "wire: collector on tcp %s and udp %s\n", addr, pc.LocalAddr())

	sock, err := netsink.NewSocket(addr, netsink.SocketOptions{Delivery: netsink.Delivery{Backoff: netsink.Backoff{Initial: 10 * time.Millisecond, Max: 100 * time.Millisecond}}}, nil)
	if err != nil {
		return err
	}
	defer sock.Close()
	logger := slog.New(sock).With("service", "demo")
	logger.Info("hello over TCP", "attempt", 1)
	logger.WithGroup("req").Warn("grouped", "path", "/x", "status", 503)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sock.Flush(ctx); err != nil {
		return err
	}
	if err := arrived.wait(ctx, 2); err != nil {
		return err
	}
	fmt.Fprintf(out, "wire: socket acknowledged %d records\n", sock.Stats().Records)

	dg, err := netsink.NewDatagram(pc.LocalAddr().String(), netsink.DatagramOptions{}, nil)
	if err != nil {
		return err
	}
	defer dg.Close()
	slog.New(dg).Error("hello over UDP", "bytes", []byte("raw"))
	if err := arrived.wait(ctx, 3); err != nil {
		return err
	}
	fmt.Fprintln(out, "wire: datagram arrived (UDP: no acknowledgement)")

	// Kill the collector; records wait in the Socket's buffer.
	srv.Close()
	logger.Info("logged while the collector is down", "n", 1)
	logger.Info("logged while the collector is down", "n", 2)
	fmt.Fprintf(out, "wire: collector down, %d records buffered\n", sock.Pending())
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv2 := &netsink.Server{Handler: arrived, Dedup: dedup}
	serve(srv2, ln2, nil)
	fmt.Fprintln(out, "wire: collector restarted on the same port")
	if err := sock.Flush(ctx); err != nil {
		return err
	}
	if err := arrived.wait(ctx, 5); err != nil {
		return err
	}
	if err := sock.Close(); err != nil {
		return err
	}
	if err := srv2.Shutdown(ctx); err != nil {
		return err
	}
	wg.Wait()
	st1, st2 := srv.Stats(), srv2.Stats()
	fmt.Fprintf(out, "wire: socket stats %+v; collector handled %d records (%d duplicates dropped)\n",
		sock.Stats(), st1.Records+st2.Records, st1.Duplicates+st2.Duplicates)
	fmt.Fprintf(out, "wire: every record also went to %s as JSON lines\n", path)
	return nil
}

// demoPrefix writes each record (one Write) after a prefix.
type demoPrefix struct {
	w      io.Writer
	prefix string
}

func (p *demoPrefix) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, p.prefix); err != nil {
		return 0, err
	}
	return p.w.Write(b)
}

// demoBoth hands each record to two handlers.
type demoBoth [2]slog.Handler

func (b demoBoth) Enabled(ctx context.Context, l slog.Level) bool {
	return b[0].Enabled(ctx, l) || b[1].Enabled(ctx, l)
}

func (b demoBoth) Handle(ctx context.Context, r slog.Record) error {
	return errors.Join(b[0].Handle(ctx, r.Clone()), b[1].Handle(ctx, r))
}

func (b demoBoth) WithAttrs(as []slog.Attr) slog.Handler {
	return demoBoth{b[0].WithAttrs(as), b[1].WithAttrs(as)}
}

func (b demoBoth) WithGroup(n string) slog.Handler {
	return demoBoth{b[0].WithGroup(n), b[1].WithGroup(n)}
}

// demoCounter signals each handled record so the demo can wait for UDP arrivals.
type demoCounter struct {
	h  slog.Handler
	ch chan struct{}
	mu sync.Mutex
	n  int
}

func (c *demoCounter) Enabled(ctx context.Context, l slog.Level) bool { return c.h.Enabled(ctx, l) }
func (c *demoCounter) WithAttrs(as []slog.Attr) slog.Handler          { return c.h.WithAttrs(as) }
func (c *demoCounter) WithGroup(n string) slog.Handler                { return c.h.WithGroup(n) }

func (c *demoCounter) Handle(ctx context.Context, r slog.Record) error {
	err := c.h.Handle(ctx, r)
	c.ch <- struct{}{}
	return err
}

func (c *demoCounter) wait(ctx context.Context, n int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.n < n {
		select {
		case <-c.ch:
			c.n++
		case <-ctx.Done():
			return fmt.Errorf("wire demo: %d of %d records arrived: %w", c.n, n, ctx.Err())
		}
	}
	return nil
}
