//go:build unix

package rotate

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// errorLog collects what a writer reports.
type errorLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errorLog) add(err error) { l.mu.Lock(); l.errs = append(l.errs, err); l.mu.Unlock() }

func (l *errorLog) count() int { l.mu.Lock(); defer l.mu.Unlock(); return len(l.errs) }

// allLines returns the lines of every file in dir but lock files, oldest file first by
// modification time, then name.
func allLines(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".lock") {
			continue
		}
		for _, l := range strings.SplitAfter(readFile(t, filepath.Join(dir, e.Name())), "\n") {
			if l != "" {
				lines = append(lines, l)
			}
		}
	}
	sort.Strings(lines)
	return lines
}

// wantLines returns fullLine(0 .. n-1), sorted as allLines sorts.
func wantLines(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fullLine(i))
	}
	sort.Strings(out)
	return out
}

// TestRolloverDirectoryGone: the log's directory is renamed away while the log is open, so
// every rollover fails (its rename, and opening a new file, both need the directory). Records
// must go on to the current file — Write returns nil each time — and the failures be reported.
// This works as root too, unlike a chmod 0555 (root ignores permissions). The old code closed
// the file before the rename and could not reopen it: every later record failed.
func TestRolloverDirectoryGone(t *testing.T) {
	type opener func(path string, clock *time.Time, rep func(error)) (io.WriteCloser, error)
	cases := map[string]opener{
		"size": func(path string, _ *time.Time, rep func(error)) (io.WriteCloser, error) {
			return NewSize(path, SizeOptions{MaxBytes: 5 * 64, BackupCount: 3, Files: Files{OnError: rep}})
		},
		"size-lock": func(path string, _ *time.Time, rep func(error)) (io.WriteCloser, error) {
			return NewSize(path, SizeOptions{MaxBytes: 5 * 64, BackupCount: 3, Files: Files{Lock: true, OnError: rep}})
		},
		"timed": func(path string, clock *time.Time, rep func(error)) (io.WriteCloser, error) {
			return NewTimed(path, TimedOptions{When: "H", UTC: true, Now: func() time.Time { return *clock }, Files: Files{OnError: rep}})
		},
		"timed-lock": func(path string, clock *time.Time, rep func(error)) (io.WriteCloser, error) {
			return NewTimed(path, TimedOptions{When: "H", UTC: true, Now: func() time.Time { return *clock }, Files: Files{Lock: true, OnError: rep}})
		},
	}
	for name, open := range cases {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "logs")
			mkdir(t, dir)
			clock := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
			var rep errorLog
			w, err := open(filepath.Join(dir, "app.log"), &clock, rep.add)
			if err != nil {
				t.Fatal(err)
			}
			const before, after = 12, 200
			seq := 0
			for ; seq < before; seq++ {
				clock = clock.Add(20 * time.Minute)
				write(t, w, fullLine(seq))
			}
			moved := filepath.Join(root, "logs.old")
			if err := os.Rename(dir, moved); err != nil {
				t.Fatal(err)
			}
			failed := 0
			for ; seq < before+after; seq++ {
				clock = clock.Add(20 * time.Minute)
				if _, err := w.Write([]byte(fullLine(seq))); err != nil {
					failed++
				}
			}
			if err := w.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if failed > 0 {
				t.Errorf("%d of %d records failed after the directory went away", failed, after)
			}
			if rep.count() == 0 {
				t.Error("the failed rollovers were not reported")
			}
			got, want := allLines(t, moved), wantLines(before+after)
			if strings.Join(got, "") != strings.Join(want, "") {
				t.Errorf("%d lines in the files, want %d, each once", len(got), len(want))
			}
		})
	}
}

// TestRolloverCannotOpenNewFile: the base file was renamed, then the new one cannot be opened.
// The rename is undone and records go on to the base file; when the rename cannot be undone
// either (something took path), records go on to the renamed file, which later becomes a
// backup. Either way every Write succeeds and every record ends up once in the files.
func TestRolloverCannotOpenNewFile(t *testing.T) {
	for _, c := range []struct{ squat, lock bool }{{false, false}, {true, false}, {false, true}} {
		squat := c.squat
		// With Lock too: the write path then holds the names while the new file fails to open.
		t.Run(fmt.Sprintf("path-taken=%v/lock=%v", squat, c.lock), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "app.log")
			var rep errorLog
			s, err := NewSize(path, SizeOptions{MaxBytes: 5 * 64, BackupCount: 50, Files: Files{OnError: rep.add, Lock: c.lock}})
			if err != nil {
				t.Fatal(err)
			}
			const total = 60
			for seq := 0; seq < total; seq++ {
				switch seq {
				case 12: // the next rollover's open fails
					s.openHook = func(name string, flag int, perm os.FileMode) (*os.File, error) {
						if squat {
							mkdir(t, path) // the undo's rename back finds path taken
						}
						return nil, errors.New("no more files")
					}
				case 20:
					s.openHook = nil
					if squat {
						if err := os.Remove(path); err != nil {
							t.Fatal(err)
						}
					}
				}
				write(t, s, fullLine(seq))
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if rep.count() == 0 {
				t.Error("the failed rollover was not reported")
			}
			got, want := allLines(t, dir), wantLines(total)
			if strings.Join(got, "") != strings.Join(want, "") {
				t.Errorf("%d lines in the files, want %d, each once: %q", len(got), len(want), got)
			}
			if _, err := os.Stat(path + ".rotating"); err == nil {
				t.Error("app.log.rotating left behind")
			}
		})
	}
}
