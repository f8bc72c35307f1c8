package testutil

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

// CaseTime is the time of every case's record.
var CaseTime = time.Date(2025, 1, 2, 3, 4, 5, 123456789, time.UTC)

// Record returns the record of c: CaseTime, Info, message "m", c's attrs.
func (c AttrCase) Record() slog.Record {
	r := slog.NewRecord(CaseTime, slog.LevelInfo, "m", 0)
	r.AddAttrs(c.Attrs...)
	return r
}

// Handle derives h by c's steps and handles c's record with it.
func (c AttrCase) Handle(t testing.TB, h slog.Handler) {
	t.Helper()
	if err := Apply(h, c.Steps).Handle(context.Background(), c.Record()); err != nil {
		t.Fatal(err)
	}
}

// WantLeaves returns the leaves (see Leaves) of c's attributes as slog.JSONHandler writes
// them, built-ins removed with AttrsOnly; for SlogMisnests cases, as slogx.JSON writes them.
func (c AttrCase) WantLeaves(t testing.TB, sep string) []string {
	t.Helper()
	var buf bytes.Buffer
	rep := AttrsOnly(c.ReplaceAttr)
	h := slog.Handler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: rep}))
	if c.SlogMisnests {
		h = slogx.NewHandler(&buf, &slogx.Options{ReplaceAttr: rep})
	}
	c.Handle(t, h)
	return MustLeaves(t, buf.Bytes(), sep)
}

// TreeLeaves renders an attribute tree with slog.JSONHandler and returns its leaves.
func TreeLeaves(t testing.TB, attrs []slog.Attr, sep string) []string {
	t.Helper()
	var buf bytes.Buffer
	r := slog.NewRecord(CaseTime, slog.LevelInfo, "m", 0)
	r.AddAttrs(attrs...)
	h := slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: AttrsOnly(nil)})
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return MustLeaves(t, buf.Bytes(), sep)
}

// MustLeaves is Leaves failing t on malformed JSON.
func MustLeaves(t testing.TB, js []byte, sep string) []string {
	t.Helper()
	l, err := Leaves(js, sep)
	if err != nil {
		t.Fatalf("%v in %s", err, js)
	}
	return l
}
