package rotate

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// crashEnv, when set, makes the test binary a child that logs to ROTATE_PATH and dies
// (os.Exit, no cleanup) inside the third rollover, after the backups were shifted and before
// the previous base file became .1.
const crashEnv = "ROTATE_CRASH"

func runCrashChild() int {
	rotations := 0
	f, err := NewSize(os.Getenv("ROTATE_PATH"), SizeOptions{MaxBytes: 200, BackupCount: 10,
		Files: Files{Rotator: func(src, dst string) error {
			rotations++
			if rotations == 3 {
				os.Exit(7)
			}
			return os.Rename(src, dst)
		}}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(f, "line %04d ....................\n", i)
	}
	f.Close()
	return 3 // the crash did not happen
}

// TestCrashMidRolloverRecovered kills a real process in the middle of a rollover and checks
// that reopening finishes it: every line written before the crash is in exactly one file, in
// order, and the backups are .1, .2, ... with no gap and no path.rotating left.
func TestCrashMidRolloverRecovered(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"=1", "ROTATE_PATH="+path)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 7 {
		t.Fatalf("child: %v, want exit 7\n%s", err, out)
	}
	if _, err := os.Stat(path + ".rotating"); err != nil {
		t.Fatalf("the crash left no unfinished rollover: %v", err)
	}
	f, err := NewSize(path, SizeOptions{MaxBytes: 200, BackupCount: 10})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	var names []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		names = append(names, e.Name())
	}
	// Oldest first: app.log.N .. app.log.1, app.log.
	sort.Slice(names, func(i, j int) bool { return backupIndex(names[i]) > backupIndex(names[j]) })
	for i, n := range names[:len(names)-1] {
		if backupIndex(n) != len(names)-1-i {
			t.Fatalf("files %v: not app.log.N..app.log.1, app.log", names)
		}
	}
	next := 0
	for _, n := range names {
		for _, l := range strings.SplitAfter(readFile(t, filepath.Join(dir, n)), "\n") {
			if l == "" {
				continue
			}
			if want := fmt.Sprintf("line %04d ....................\n", next); l != want {
				t.Fatalf("%s: got %q, want %q", n, l, want)
			}
			next++
		}
	}
	// Three rollovers means three full files of 200/31 = 6 lines each, at least; more when
	// the writer ran ahead of the background rotator.
	if next < 3*(200/31) {
		t.Fatalf("only %d lines before the crash", next)
	}
	t.Logf("%d lines in %v", next, names)
}

// backupIndex returns N for app.log.N, 0 for app.log.
func backupIndex(name string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(name, "app.log."))
	return n
}
