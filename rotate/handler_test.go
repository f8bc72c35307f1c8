package rotate

import (
	"bufio"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/slogx/handlers/slogx"
	"gopkg.in/natefinch/lumberjack.v2"
)

// readLines returns every line of every file in dir whose name starts with prefix.
func readLines(t testing.TB, dir, prefix string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), prefix) || strings.HasSuffix(e.Name(), ".lock") {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		f.Close()
	}
	return lines
}

// TestSizeHandlerConcurrent logs from many goroutines through NewSizeHandler across many
// rotations (run it with -race) and finds every line once, intact.
func TestSizeHandlerConcurrent(t *testing.T) {
	const goroutines, per = 8, 1000
	dir := t.TempDir()
	h, err := NewSizeHandler(filepath.Join(dir, "app.log"), SizeOptions{MaxBytes: 16 << 10, BackupCount: 100}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := slog.New(h).With("g", g)
			for i := 0; i < per; i++ {
				l.Info("line", "i", i, "pad", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
			}
		}()
	}
	wg.Wait()
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	seen := map[[2]int]bool{}
	lines := readLines(t, dir, "app.log")
	for _, l := range lines {
		var m struct {
			Msg  string
			G, I int
			Pad  string
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil || m.Msg != "line" || len(m.Pad) != 32 {
			t.Fatalf("corrupt line %q: %v", l, err)
		}
		k := [2]int{m.G, m.I}
		if seen[k] {
			t.Fatalf("duplicate %q", l)
		}
		seen[k] = true
	}
	if len(seen) != goroutines*per {
		t.Fatalf("found %d distinct lines, want %d", len(seen), goroutines*per)
	}
	if s := h.Stats(); s.Records != goroutines*per || s.Errors != 0 {
		t.Errorf("stats %+v", s)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) < 30 {
		t.Errorf("only %d files: too few rotations to mean anything", len(ents))
	}
}

func TestSizeHandlerSlogtest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var h *slogx.Handler
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		var err error
		if h != nil {
			h.Close()
		}
		os.Remove(path)
		h, err = NewSizeHandler(path, SizeOptions{MaxBytes: 1 << 20, BackupCount: 2}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}, func(t *testing.T) map[string]any {
		h.Sync()
		m := map[string]any{}
		if err := json.Unmarshal([]byte(readFile(t, path)), &m); err != nil {
			t.Fatal(err)
		}
		return m
	})
	h.Close()
}

func TestTimedHandlerSlogtest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var h *slogx.Handler
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		var err error
		if h != nil {
			h.Close()
		}
		os.Remove(path)
		h, err = NewTimedHandler(path, TimedOptions{When: "D"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}, func(t *testing.T) map[string]any {
		m := map[string]any{}
		if err := json.Unmarshal([]byte(readFile(t, path)), &m); err != nil {
			t.Fatal(err)
		}
		return m
	})
	h.Close()
}

func TestLumberjackSlogtest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lj.log")
	var h *slogx.Handler
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		if h != nil {
			h.Close()
		}
		os.Remove(path)
		h = Lumberjack(&lumberjack.Logger{Filename: path, MaxSize: 1}, &slogx.Options{Encoder: slogx.Text()})
		return h
	}, func(t *testing.T) map[string]any {
		return parseLogfmt(t, strings.TrimSpace(readFile(t, path)))
	})
	h.Close()
}

// parseLogfmt parses the Text encoder's output, enough for slogtest: key=value pairs, quoted
// values, dotted keys as nested groups.
func parseLogfmt(t *testing.T, s string) map[string]any {
	m := map[string]any{}
	for len(s) > 0 {
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			t.Fatalf("bad logfmt %q", s)
		}
		key := s[:eq]
		s = s[eq+1:]
		var val string
		if strings.HasPrefix(s, `"`) {
			end := 1
			for ; end < len(s) && s[end] != '"'; end++ {
				if s[end] == '\\' {
					end++
				}
			}
			val = s[1:end]
			s = s[min(end+1, len(s)):]
		} else {
			sp := strings.IndexByte(s, ' ')
			if sp < 0 {
				sp = len(s)
			}
			val, s = s[:sp], s[sp:]
		}
		s = strings.TrimPrefix(s, " ")
		cur := m
		parts := strings.Split(key, ".")
		for _, p := range parts[:len(parts)-1] {
			sub, ok := cur[p].(map[string]any)
			if !ok {
				sub = map[string]any{}
				cur[p] = sub
			}
			cur = sub
		}
		cur[parts[len(parts)-1]] = val
	}
	return m
}

// A rollover that fails is counted in the handler's Stats, reported through OnError, and
// the record is written to the current file.
func TestSizeHandlerFailedRolloverReported(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var mu sync.Mutex
	var reported []error
	boom := errors.New("rotator refused")
	h, err := NewSizeHandler(path, SizeOptions{MaxBytes: 100, BackupCount: 3,
		Files: Files{Rotator: func(src, dst string) error { return boom }}},
		&slogx.Options{OnError: func(err error) { mu.Lock(); reported = append(reported, err); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(h)
	for i := 0; i < 5; i++ {
		l.Info("record", "pad", strings.Repeat("x", 40))
	}
	h.Close()
	if n := len(readLines(t, dir, "app.log")); n != 5 {
		t.Errorf("%d lines in the files, want 5", n)
	}
	if _, err := os.Stat(path + ".1"); err == nil {
		t.Errorf("backup made although the rotator failed")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) == 0 || !errors.Is(reported[0], boom) {
		t.Fatalf("reported %v, want the rotator's error", reported)
	}
	if s := h.Stats(); s.Errors == 0 || s.Records != 5 {
		t.Errorf("stats %+v: want errors counted and 5 records", s)
	}
}

func TestTimedHandlerRotates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	clock := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	h, err := NewTimedHandler(path, TimedOptions{When: "H", UTC: true, Now: func() time.Time { return clock }},
		&slogx.Options{Encoder: slogx.Text(), ReplaceAttr: dropTime})
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(h)
	l.Info("first")
	clock = clock.Add(time.Hour)
	l.Info("second")
	h.Close()
	if got := readFile(t, path+".2026-03-01_10"); got != "level=INFO msg=first\n" {
		t.Errorf("backup = %q", got)
	}
	if got := readFile(t, path); got != "level=INFO msg=second\n" {
		t.Errorf("base = %q", got)
	}
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
