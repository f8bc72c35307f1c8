package slogx_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/slogx/handlers/slogx"
)

// fanoutLines parses the JSON lines a slogx.Handler wrote.
func fanoutLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var ms []map[string]any
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() {
		var m map[string]any
		if err := json.Unmarshal(s.Bytes(), &m); err != nil {
			t.Fatalf("%q: %v", s.Bytes(), err)
		}
		ms = append(ms, m)
	}
	return ms
}

// fanoutRecorder is a target that keeps what it handled: "msg k=v ..." per record. Tests of
// fanout, filter and memory share it. Its WithAttrs calls are counted.
type fanoutRecorder struct {
	mu     sync.Mutex
	got    []string
	level  slog.Level
	err    error  // returned by every Handle when set
	panics string // a record with this message panics
	withs  int
	notify chan string // receives each handled message when not nil
	prefix []slog.Attr
	root   *fanoutRecorder
}

func newFanoutRecorder() *fanoutRecorder {
	r := &fanoutRecorder{level: slog.LevelDebug}
	r.root = r
	return r
}

func (f *fanoutRecorder) Enabled(_ context.Context, l slog.Level) bool { return l >= f.root.level }

func (f *fanoutRecorder) Handle(_ context.Context, r slog.Record) error {
	root := f.root
	if root.panics != "" && r.Message == root.panics {
		panic("target exploded")
	}
	if root.err != nil {
		return root.err
	}
	parts := []string{r.Message}
	for _, a := range f.prefix {
		parts = append(parts, a.String())
	}
	r.Attrs(func(a slog.Attr) bool { parts = append(parts, a.String()); return true })
	root.mu.Lock()
	root.got = append(root.got, strings.Join(parts, " "))
	root.mu.Unlock()
	if root.notify != nil {
		root.notify <- r.Message
	}
	return nil
}

func (f *fanoutRecorder) WithAttrs(as []slog.Attr) slog.Handler {
	f.root.mu.Lock()
	f.root.withs++
	f.root.mu.Unlock()
	return &fanoutRecorder{root: f.root, prefix: append(append([]slog.Attr(nil), f.prefix...), as...)}
}

func (f *fanoutRecorder) WithGroup(string) slog.Handler { return f }

func (f *fanoutRecorder) records() string {
	f.root.mu.Lock()
	defer f.root.mu.Unlock()
	return strings.Join(f.root.got, "|")
}

func fanoutRecord(level slog.Level, msg string, as ...slog.Attr) slog.Record {
	r := slog.NewRecord(time.Time{}, level, msg, 0)
	r.AddAttrs(as...)
	return r
}

func TestFanoutSlogtest(t *testing.T) {
	var b1, b2 bytes.Buffer
	h := slogx.Fanout(slogx.NewHandler(&b1, nil), slogx.NewHandler(&b2, nil))
	if err := slogtest.TestHandler(h, func() []map[string]any { return fanoutLines(t, b1.Bytes()) }); err != nil {
		t.Fatal(err)
	}
	if b1.Len() == 0 || b1.String() != b2.String() {
		t.Fatalf("targets differ:\n%s\n%s", b1.String(), b2.String())
	}
}

// fanoutAppender adds an attribute to the record it gets without cloning it, as a handler
// may; the next target must not see it.
type fanoutAppender struct{}

func (a *fanoutAppender) Enabled(context.Context, slog.Level) bool { return true }
func (a *fanoutAppender) Handle(_ context.Context, r slog.Record) error {
	r.AddAttrs(slog.String("added", "by first"))
	return nil
}
func (a *fanoutAppender) WithAttrs([]slog.Attr) slog.Handler { return a }
func (a *fanoutAppender) WithGroup(string) slog.Handler      { return a }

func TestFanoutClonesPerTarget(t *testing.T) {
	second := newFanoutRecorder()
	h := slogx.Fanout(&fanoutAppender{}, second)
	var as []slog.Attr
	for i := range 7 { // past slog's inline attrs, so the record has a shared slice
		as = append(as, slog.Int("a", i))
	}
	if err := h.Handle(context.Background(), fanoutRecord(slog.LevelInfo, "m", as...)); err != nil {
		t.Fatal(err)
	}
	if got := second.records(); strings.Contains(got, "added") || strings.Count(got, "a=") != 7 {
		t.Fatalf("second target got %s", got)
	}
}

func TestFanoutFailuresAreIsolated(t *testing.T) {
	failing := newFanoutRecorder()
	failing.err = errors.New("disk full")
	panicking := newFanoutRecorder()
	panicking.panics = "boom"
	ok := newFanoutRecorder()
	h := slogx.Fanout(failing, panicking, ok)
	err := h.Handle(context.Background(), fanoutRecord(slog.LevelInfo, "boom"))
	if !errors.Is(err, failing.err) || !strings.Contains(err.Error(), "panicked: target exploded") {
		t.Fatalf("got %v", err)
	}
	if ok.records() != "boom" {
		t.Fatalf("last target got %q", ok.records())
	}
	if err := h.Handle(context.Background(), fanoutRecord(slog.LevelInfo, "fine")); !errors.Is(err, failing.err) ||
		strings.Contains(err.Error(), "panicked") {
		t.Fatalf("got %v", err)
	}
	if panicking.records() != "fine" || ok.records() != "boom|fine" {
		t.Fatalf("after a panic: %q, %q", panicking.records(), ok.records())
	}
}

func TestFanoutEnabledAndLevels(t *testing.T) {
	warn := newFanoutRecorder()
	warn.level = slog.LevelWarn
	errOnly := newFanoutRecorder()
	errOnly.level = slog.LevelError
	h := slogx.Fanout(warn, errOnly)
	ctx := context.Background()
	if h.Enabled(ctx, slog.LevelInfo) || !h.Enabled(ctx, slog.LevelWarn) {
		t.Fatal("Enabled is not the OR of the targets")
	}
	l := slog.New(h)
	l.Warn("w")
	l.Error("e")
	if warn.records() != "w|e" || errOnly.records() != "e" {
		t.Fatalf("warn got %q, error got %q", warn.records(), errOnly.records())
	}
	empty := slogx.Fanout()
	if empty.Enabled(ctx, slog.LevelError) || empty.Handle(ctx, fanoutRecord(slog.LevelError, "x")) != nil {
		t.Fatal("empty Fanout")
	}
}

func TestFanoutWithAttrs(t *testing.T) {
	a, b := newFanoutRecorder(), newFanoutRecorder()
	l := slog.New(slogx.Fanout(a, b)).With("req", 1).WithGroup("").With()
	l.Info("m", "k", "v")
	if a.records() != "m req=1 k=v" || b.records() != "m req=1 k=v" {
		t.Fatalf("%q %q", a.records(), b.records())
	}
}
