//go:build linux

package rotate

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// fullEnv, when set, makes the test binary a child of TestDiskFull that writes through the
// named mode under a file size limit; fullPathEnv names the log.
const (
	fullEnv     = "ROTATE_FULL"
	fullPathEnv = "ROTATE_FULL_PATH"
)

// The record counts of a disk-full child: before the limit, while it holds (each fails), after.
const fullBefore, fullFailing, fullAfter = 40, 3, 40

// TestDiskFull runs writers in child processes whose RLIMIT_FSIZE is set, part-way through,
// to half a record past the log's size, so that write(2) writes half a record and then fails
// with EFBIG — what a full disk does — and is raised again afterwards. Every failing Write
// must return the error, and every line of every file must be a whole record: the fragment
// of the record that failed must not glue the next record onto it.
func TestDiskFull(t *testing.T) {
	if mode := os.Getenv(fullEnv); mode != "" {
		os.Exit(runFullChild(mode, os.Getenv(fullPathEnv)))
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"size", "size-compress", "size-lock", "size-compress-lock", "timed", "timed-lock"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(exe, "-test.run=^TestDiskFull$")
			cmd.Env = append(os.Environ(), fullEnv+"="+mode, fullPathEnv+"="+filepath.Join(dir, "app.log"))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("child: %v\n%s", err, out)
			}
			checkWholeRecords(t, dir)
		})
	}
}

// checkWholeRecords reads every log file in dir (gzipped or not) and checks that each line is
// a whole record and that exactly the records written outside the limit are there.
func checkWholeRecords(t *testing.T, dir string) {
	t.Helper()
	seen := map[int]bool{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		name := e.Name()
		if strings.HasSuffix(name, ".lock") {
			continue
		}
		var content string
		if strings.HasSuffix(name, ".gz") {
			content = gunzip(t, filepath.Join(dir, name))
		} else {
			content = readFile(t, filepath.Join(dir, name))
		}
		sc := bufio.NewScanner(strings.NewReader(content))
		for sc.Scan() {
			var seq int
			l := sc.Text() + "\n"
			if _, err := fmt.Sscanf(l, "rec=%d", &seq); err != nil || l != fullLine(seq) {
				t.Errorf("%s: not a whole record: %q", name, l)
				continue
			}
			if seen[seq] {
				t.Errorf("%s: record %d twice", name, seq)
			}
			seen[seq] = true
		}
		if content != "" && !strings.HasSuffix(content, "\n") {
			t.Errorf("%s ends with a fragment: %q", name, content[strings.LastIndexByte(content, '\n')+1:])
		}
	}
	for seq := 0; seq < fullBefore+fullFailing+fullAfter; seq++ {
		failing := seq >= fullBefore && seq < fullBefore+fullFailing
		if seen[seq] == failing {
			t.Errorf("record %d: present %v, want %v", seq, seen[seq], !failing)
		}
	}
}

// runFullChild is the child of TestDiskFull: it exits 0 when every Write behaved.
func runFullChild(mode, path string) int {
	signal.Ignore(syscall.SIGXFSZ) // EFBIG instead of death when a write crosses the limit
	var (
		w      io.WriteCloser
		settle func() // waits for background work, which the limit would make fail
		clock  = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	)
	onError := func(err error) { fmt.Fprintln(os.Stderr, "reported:", err) }
	lock, compress := strings.Contains(mode, "lock"), strings.Contains(mode, "compress")
	switch {
	case strings.HasPrefix(mode, "size"):
		// 24 records per file: the failing records fall mid-file, after one rollover.
		s, err := NewSize(path, SizeOptions{MaxBytes: 25 * 64, BackupCount: 10, Files: Files{Lock: lock, Compress: compress, OnError: onError}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		w, settle = s, s.bg.wait
	default:
		tf, err := NewTimed(path, TimedOptions{When: "H", UTC: true,
			Now: func() time.Time { return clock }, Files: Files{Lock: lock, OnError: onError}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		w, settle = tf, tf.bg.wait
	}
	seq := 0
	put := func(n int) bool {
		for end := seq + n; seq < end; seq++ {
			if seq%30 == 29 {
				clock = clock.Add(time.Hour) // a timed rollover now and then
			}
			if _, err := w.Write([]byte(fullLine(seq))); err != nil {
				fmt.Fprintf(os.Stderr, "record %d: %v\n", seq, err)
				return false
			}
		}
		return true
	}
	if !put(fullBefore) {
		return 3
	}
	settle()
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
	lim := unix.Rlimit{Cur: uint64(st.Size()) + 32, Max: old.Max}
	if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &lim); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 4
	}
	bad := false
	for end := seq + fullFailing; seq < end; seq++ {
		n, err := w.Write([]byte(fullLine(seq)))
		if !errors.Is(err, syscall.EFBIG) || n != 0 {
			fmt.Fprintf(os.Stderr, "record %d over the limit: wrote %d, %v; want 0, EFBIG\n", seq, n, err)
			bad = true // go on: the files show what the next records became
		}
	}
	if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &old); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 4
	}
	if !put(fullAfter) {
		return 6
	}
	if err := w.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 7
	}
	if bad {
		return 5
	}
	return 0
}
