//go:build linux

package sinks_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

const (
	fullEnv     = "SINKS_FULL"
	fullPathEnv = "SINKS_FULL_PATH"
)

// The record counts of a disk-full child: before the limit, while it holds (each fails), after.
const fullBefore, fullFailing, fullAfter = 20, 3, 20

// TestFileDiskFull runs File and WatchedFile in child processes whose RLIMIT_FSIZE is set,
// part-way through, to a few bytes past the file's size, so that write(2) writes part of a
// record and then fails with EFBIG — what a full disk does — and is raised again afterwards.
// Each failing record must be returned from Handle, counted in Stats().Errors and reported
// once, and every line of the file must be a whole record: the fragment must not glue the
// next record onto it.
func TestFileDiskFull(t *testing.T) {
	if mode := os.Getenv(fullEnv); mode != "" {
		os.Exit(runFullChild(mode, os.Getenv(fullPathEnv)))
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"file", "file-truncate", "watched"} {
		t.Run(mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.log")
			cmd := exec.Command(exe, "-test.run=^TestFileDiskFull$")
			cmd.Env = append(os.Environ(), fullEnv+"="+mode, fullPathEnv+"="+path)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("child: %v\n%s", err, out)
			}
			content := string(readFile(t, path))
			seen := map[int]bool{}
			sc := bufio.NewScanner(strings.NewReader(content))
			for sc.Scan() {
				var seq int
				if _, err := fmt.Sscanf(sc.Text(), "level=INFO msg=rec seq=%d", &seq); err != nil ||
					sc.Text() != fmt.Sprintf("level=INFO msg=rec seq=%d", seq) {
					t.Errorf("not a whole record: %q", sc.Text())
					continue
				}
				seen[seq] = true
			}
			if !strings.HasSuffix(content, "\n") {
				t.Errorf("the file ends with a fragment: %q", content[strings.LastIndexByte(content, '\n')+1:])
			}
			for seq := 0; seq < fullBefore+fullFailing+fullAfter; seq++ {
				failing := seq >= fullBefore && seq < fullBefore+fullFailing
				if seen[seq] == failing {
					t.Errorf("record %d: present %v, want %v", seq, seen[seq], !failing)
				}
			}
		})
	}
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// runFullChild is the child of TestFileDiskFull: it exits 0 when every record behaved.
func runFullChild(mode, path string) int {
	signal.Ignore(syscall.SIGXFSZ) // EFBIG instead of death when a write crosses the limit
	var reported []error
	opts := &slogx.Options{Encoder: slogx.Text(), ReplaceAttr: dropTime,
		OnError: func(err error) { reported = append(reported, err) }}
	var h *slogx.Handler
	var err error
	if mode == "watched" {
		h, err = sinks.NewWatchedFile(path, sinks.FileOptions{}, opts)
	} else {
		h, err = sinks.NewFile(path, sinks.FileOptions{Truncate: mode == "file-truncate"}, opts)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx := context.Background()
	record := func(seq int) error {
		r := slog.NewRecord(time.Now(), slog.LevelInfo, "rec", 0)
		r.AddAttrs(slog.Int("seq", seq))
		return h.Handle(ctx, r)
	}
	seq := 0
	for ; seq < fullBefore; seq++ {
		if err := record(seq); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
	}
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_FSIZE, &old); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 4
	}
	st, err := os.Stat(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 4
	}
	lim := unix.Rlimit{Cur: uint64(st.Size()) + 10, Max: old.Max}
	if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &lim); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 4
	}
	bad := false
	for end := seq + fullFailing; seq < end; seq++ {
		if err := record(seq); !errors.Is(err, syscall.EFBIG) {
			fmt.Fprintf(os.Stderr, "record %d over the limit: %v, want EFBIG\n", seq, err)
			bad = true // go on: the file shows what the next records became
		}
	}
	if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &old); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 4
	}
	for end := seq + fullAfter; seq < end; seq++ {
		if err := record(seq); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 6
		}
	}
	if err := h.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 7
	}
	if st := h.Stats(); st.Errors != fullFailing || len(reported) != fullFailing {
		fmt.Fprintf(os.Stderr, "stats %+v, %d reported: want %d errors, each reported\n", st, len(reported), fullFailing)
		return 8
	}
	if bad {
		return 5
	}
	return 0
}
