package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/slogx/handlers/queue"
	"github.com/slogx/handlers/slogx"
)

// demoQueue: a queue in front of a fanout to a console (out) and a memory handler that keeps
// debug context and writes it to a file in dir only when an error happens; then a tiny queue
// overflowing under DropNewest, to show that drops are counted.
func demoQueue(out io.Writer, dir string) error {
	fmt.Fprintln(out, "== queue -> fanout -> console + memory(file)")
	noTime := func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	console := slogx.NewHandler(&queuePrefixWriter{w: out, prefix: "  console | "},
		&slogx.Options{Encoder: slogx.Text(), ReplaceAttr: noTime}) // Info and above

	path := filepath.Join(dir, "queue-error-context.log")
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("queue demo: %w", err)
	}
	file := slogx.NewHandler(f, &slogx.Options{Level: slog.LevelDebug, ReplaceAttr: noTime})
	mem := slogx.Memory(file, slogx.MemoryOptions{Capacity: 100, FlushLevel: slog.LevelError})

	q := queue.New(slogx.Fanout(console, mem), queue.Options{Capacity: 256})
	logger := slog.New(q).With("job", 42)
	logger.Debug("open input", "path", "in.csv")
	logger.Info("job started")
	logger.Debug("row parsed", "row", 1)
	logger.Debug("row parsed", "row", 2)
	logger.Error("row rejected", "row", 3, "err", "bad date")
	logger.Debug("cleanup")
	logger.Info("job finished")

	// Order of closing: the queue first (it delivers everything it accepted), then the
	// memory handler (it flushes what is left), then the file.
	if err := q.Close(); err != nil {
		return fmt.Errorf("queue demo: %w", err)
	}
	fmt.Fprintf(out, "  memory before Close: %d record(s) still buffered (logged after the error; Close flushes them)\n", mem.Len())
	if err := mem.Close(); err != nil {
		return fmt.Errorf("queue demo: %w", err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("queue demo: %w", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("queue demo: %w", err)
	}
	fmt.Fprintf(out, "  file %s (%d records; the debug context arrived with the error):\n", filepath.Base(path), bytes.Count(data, []byte("\n")))
	for _, line := range strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n") {
		fmt.Fprintf(out, "    %s", strings.TrimSuffix(line, "\n")+"\n")
	}
	fmt.Fprintf(out, "  queue stats %+v\n  memory stats %+v\n", q.Stats(), mem.Stats())

	fmt.Fprintln(out, "== overflow: capacity 4, DropNewest, target stuck on the first record")
	gate := &queueGate{entered: make(chan struct{}), release: make(chan struct{})}
	var reports []string
	small := queue.New(gate, queue.Options{Capacity: 4, Overflow: queue.DropNewest,
		OnError: func(err error) { reports = append(reports, err.Error()) }})
	ctx := context.Background()
	_ = small.Handle(ctx, slog.NewRecord(time.Time{}, slog.LevelInfo, "first", 0))
	<-gate.entered // the listener now holds "first"; the ring is empty
	accepted := 0
	for i := range 10 {
		if small.Handle(ctx, slog.NewRecord(time.Time{}, slog.LevelInfo, fmt.Sprint("r", i), 0)) == nil {
			accepted++
		}
	}
	close(gate.release)
	if err := small.Close(); err != nil {
		return fmt.Errorf("queue demo: %w", err)
	}
	fmt.Fprintf(out, "  accepted %d of 10, target got %d records, stats %+v\n", accepted, gate.n, small.Stats())
	for _, r := range reports {
		fmt.Fprintf(out, "  OnError: %s\n", r)
	}
	return nil
}

// queuePrefixWriter indents the demo's console lines. It is not an io.Closer, so closing the
// handler does not close out.
type queuePrefixWriter struct {
	w      io.Writer
	prefix string
}

func (p *queuePrefixWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, p.prefix); err != nil {
		return 0, err
	}
	return p.w.Write(b)
}

// queueGate is a target that blocks on its first record until released, so the demo can fill
// the queue deterministically.
type queueGate struct {
	entered, release chan struct{}
	n                int // records handled; read after Close
}

func (g *queueGate) Enabled(context.Context, slog.Level) bool { return true }
func (g *queueGate) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "first" {
		g.entered <- struct{}{}
		<-g.release
	}
	g.n++
	return nil
}
func (g *queueGate) WithAttrs([]slog.Attr) slog.Handler { return g }
func (g *queueGate) WithGroup(string) slog.Handler      { return g }
