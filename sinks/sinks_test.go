package sinks_test

import (
	"bytes"
	"context"
	"errors"
	"github.com/slogx/handlers/internal/testutil"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"

	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

func parseLines(t *testing.T, b []byte) []map[string]any { return testutil.ParseJSONLines(t, b) }

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSlogtest(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	stream := sinks.NewStream(&buf, nil)
	if err := slogtest.TestHandler(stream, func() []map[string]any { return parseLines(t, buf.Bytes()) }); err != nil {
		t.Errorf("Stream: %v", err)
	}
	for name, open := range map[string]func(string) (*slogx.Handler, error){
		"File":        func(p string) (*slogx.Handler, error) { return sinks.NewFile(p, sinks.FileOptions{}, nil) },
		"WatchedFile": func(p string) (*slogx.Handler, error) { return sinks.NewWatchedFile(p, sinks.FileOptions{}, nil) },
	} {
		p := filepath.Join(dir, name+".log")
		h, err := open(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := slogtest.TestHandler(h, func() []map[string]any { return parseLines(t, readFile(t, p)) }); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		h.Close()
	}
}

// TestFileConcurrentLinesIntact: many goroutines, one file; every line whole, none lost.
func TestFileConcurrentLinesIntact(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	h, err := sinks.NewFile(p, sinks.FileOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, per = 32, 300
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := slog.New(h).With("g", g)
			for i := range per {
				l.Info("line", "i", i, "pad", strings.Repeat("x", 50+g*20))
			}
		}()
	}
	wg.Wait()
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	seen := map[[2]int]bool{}
	for _, m := range parseLines(t, readFile(t, p)) {
		seen[[2]int{int(m["g"].(float64)), int(m["i"].(float64))}] = true
	}
	if len(seen) != goroutines*per {
		t.Fatalf("%d distinct records, want %d", len(seen), goroutines*per)
	}
}

func TestFileModes(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.log")
	os.WriteFile(p, []byte("old\n"), 0o600)

	h, _ := sinks.NewFile(p, sinks.FileOptions{}, &slogx.Options{Encoder: slogx.Text()})
	slog.New(h).Info("appended")
	h.Close()
	if got := string(readFile(t, p)); !strings.HasPrefix(got, "old\n") || !strings.Contains(got, "msg=appended") {
		t.Fatalf("append mode: %q", got)
	}

	h, _ = sinks.NewFile(p, sinks.FileOptions{Truncate: true, Sync: true}, &slogx.Options{Encoder: slogx.Text()})
	slog.New(h).Info("fresh")
	h.Close()
	if got := string(readFile(t, p)); strings.Contains(got, "old") || !strings.Contains(got, "msg=fresh") {
		t.Fatalf("truncate mode: %q", got)
	}

	if _, err := sinks.NewFile(p, sinks.FileOptions{Append: true, Truncate: true}, nil); err == nil {
		t.Fatal("Append+Truncate accepted")
	}

	d := filepath.Join(dir, "delayed.log")
	h, err := sinks.NewFile(d, sinks.FileOptions{Delay: true, Perm: 0o600}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("delayed file exists before first record: %v", err)
	}
	slog.New(h).Info("first")
	fi, err := os.Stat(d)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("delayed file after record: %v %v", fi, err)
	}
	h.Close()
}

func TestFileOpenErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "no", "such", "dir.log")
	if _, err := sinks.NewFile(p, sinks.FileOptions{}, nil); err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("NewFile on missing dir: %v", err)
	}
	// With Delay, the failure surfaces per record: counted and reported, never a panic.
	var reported []error
	h, err := sinks.NewFile(p, sinks.FileOptions{Delay: true}, &slogx.Options{OnError: func(err error) { reported = append(reported, err) }})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h).Info("lost?")
	if st := h.Stats(); st.Errors != 1 || len(reported) != 1 {
		t.Fatalf("stats %+v reported %v", st, reported)
	}
}

// TestWatchedFileRotation renames the file away as logrotate does, and deletes it: the handler
// must follow the path, and nothing written before the rename may be lost.
func TestWatchedFileRotation(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "w.log")
	h, err := sinks.NewWatchedFile(p, sinks.FileOptions{}, &slogx.Options{Encoder: slogx.Text()})
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(h)
	l.Info("one")
	if err := os.Rename(p, p+".1"); err != nil {
		t.Fatal(err)
	}
	l.Info("two")
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	l.Info("three")
	h.Close()
	if got := string(readFile(t, p+".1")); !strings.Contains(got, "msg=one") || strings.Contains(got, "two") {
		t.Fatalf("rotated file: %q", got)
	}
	if got := string(readFile(t, p)); !strings.Contains(got, "msg=three") || strings.Contains(got, "one") {
		t.Fatalf("current file: %q", got)
	}
	if st := h.Stats(); st.Records != 3 || st.Errors != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// A plain FileHandler keeps writing to the renamed file: the contrast that motivates
// WatchedFile.
func TestFileDoesNotFollowRename(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.log")
	h, _ := sinks.NewFile(p, sinks.FileOptions{}, nil)
	slog.New(h).Info("one")
	os.Rename(p, p+".1")
	slog.New(h).Info("two")
	h.Close()
	if n := len(parseLines(t, readFile(t, p+".1"))); n != 2 {
		t.Fatalf("%d records in renamed file", n)
	}
}

type closeRecorder struct {
	bytes.Buffer
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestStreamDoesNotCloseWriter(t *testing.T) {
	w := &closeRecorder{}
	h := sinks.NewStream(w, &slogx.Options{Terminator: "\r\n", Encoder: slogx.Text()})
	slog.New(h).Info("x")
	h.Close()
	if w.closed {
		t.Fatal("Close closed the stream")
	}
	if !strings.HasSuffix(w.String(), "msg=x\r\n") {
		t.Fatalf("terminator: %q", w.String())
	}
}

func TestNull(t *testing.T) {
	h := sinks.Null()
	if h.Enabled(context.Background(), slog.LevelError+100) {
		t.Fatal("Null is enabled")
	}
	if h.WithAttrs([]slog.Attr{slog.Int("a", 1)}).WithGroup("g").Enabled(context.Background(), slog.LevelError) {
		t.Fatal("derived Null is enabled")
	}
	if err := h.Handle(context.Background(), slog.Record{}); err != nil {
		t.Fatal(err)
	}
}
