package queue_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slogx/handlers/queue"
	"github.com/slogx/handlers/rotate"
	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

// The README's cookbook promise: closing the queue closes every handler behind it.
func TestCloseReachesHandlersBehindFanout(t *testing.T) {
	dir := t.TempDir()
	file, err := sinks.NewFile(filepath.Join(dir, "app.log"), sinks.FileOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rot, err := rotate.NewSizeHandler(filepath.Join(dir, "rot.log"), rotate.SizeOptions{MaxBytes: 1 << 20, BackupCount: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := queue.New(slogx.Fanout(file, rot), queue.Options{})
	slog.New(q).Info("before close")
	if err := q.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	for name, h := range map[string]*slogx.Handler{"file": file, "rotating": rot} {
		rec := slog.NewRecord(time.Time{}, slog.LevelInfo, "after close", 0)
		if err := h.Handle(context.Background(), rec); !errors.Is(err, slogx.ErrClosed) {
			t.Errorf("%s still accepts records after the queue closed: %v", name, err)
		}
	}
	for _, name := range []string{"app.log", "rot.log"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
}
