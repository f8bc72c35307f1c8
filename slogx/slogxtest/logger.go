package slogxtest

import (
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"

	"github.com/slogx/handlers/slogx"
)

// NewLogger returns a logger that writes every record, at every level, to the test's output
// (t.Output, where t.Log writes), one line per record in the Console encoder's form without
// color, with the log call's file and line (zaptest.NewLogger's idea): go test shows a test's
// logs when it fails, or with -v, and with that test only.
//
// A record logged after the test has finished (by a goroutine it left running) cannot go to
// the test's output, which would panic; it is written to standard error instead, prefixed
// with the test's name, so that it is neither lost nor fatal.
func NewLogger(t testing.TB) *slog.Logger {
	w := &tbWriter{t: t}
	t.Cleanup(w.finish)
	return slog.New(slogx.NewHandler(w, &slogx.Options{
		Level:     slog.LevelDebug,
		Encoder:   slogx.Console(slogx.ConsoleOptions{Color: slogx.ColorNever}),
		AddSource: true, // the log call's place: t.Log would name this file's
	}))
}

// tbWriter writes each record to the test's output while the test runs.
type tbWriter struct {
	t        testing.TB
	mu       sync.Mutex // held across a write, so that finish waits for one in progress
	finished bool
}

func (w *tbWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.finished {
		_, err := fmt.Fprintf(os.Stderr, "%s (logged after the test ended): %s", w.t.Name(), p)
		return len(p), err
	}
	return w.t.Output().Write(p)
}

func (w *tbWriter) finish() {
	w.mu.Lock()
	w.finished = true
	w.mu.Unlock()
}
