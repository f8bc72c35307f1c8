package slogx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"
)

// fullSink is a writer that says it is full while full is set.
type fullSink struct {
	full   error
	writes int
}

func (w *fullSink) Write(p []byte) (int, error) { w.writes++; return len(p), nil }
func (w *fullSink) Full() error                 { return w.full }

// A writer that can tell it would drop a record has it dropped before it is encoded: counted
// in Dropped, the writer's error returned, no encoding and no Write.
func TestHandleDropsBeforeEncodingWhenFull(t *testing.T) {
	encoded := 0
	w := &fullSink{}
	h := NewHandler(w, &Options{OnError: func(error) {}, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		encoded++
		return a
	}})
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)
	r.AddAttrs(slog.Int("k", 1))
	if err := h.Handle(context.Background(), r); err != nil || w.writes != 1 || encoded == 0 {
		t.Fatalf("not full: err %v, %d writes, %d attrs encoded", err, w.writes, encoded)
	}
	w.full, encoded = fmt.Errorf("sink: %w", ErrBufferFull), 0
	err := h.Handle(context.Background(), r)
	if !errors.Is(err, ErrBufferFull) || w.writes != 1 || encoded != 0 || h.Stats().Dropped != 1 {
		t.Fatalf("full: err %v, %d writes, %d attrs encoded, %+v", err, w.writes, encoded, h.Stats())
	}
}
