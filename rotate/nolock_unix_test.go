//go:build unix

package rotate

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoLockManyProcesses runs child processes that write to one path through NewSize
// without Lock, across many rotations, and checks that every line is in exactly one file,
// intact: a process that finds the file rotated by another follows it, and no rename replaces
// a name. BackupCount is large enough to keep everything, so any missing line is data lost by
// rotation. (Without Lock, files may exceed MaxBytes and a race may rotate a file early; only
// loss is checked here. The old code lost most of the lines and reported nothing.)
func TestNoLockManyProcesses(t *testing.T) {
	const (
		children = 4
		lines    = 20000
		maxBytes = 64 << 10
		backups  = 1000
	)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	reports := 0
	for _, out := range (childRun{children, lines, maxBytes, backups, []string{"ROTATE_NOLOCK=1"}}).run(t, path) {
		reports += strings.Count(out, "child error:")
	}

	seen := make([][]bool, children)
	for i := range seen {
		seen[i] = make([]bool, lines)
	}
	total, files := 0, 0
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		name := e.Name()
		if name != "app.log" && name != "app.log.rotating" {
			if _, err := strconv.Atoi(strings.TrimPrefix(name, "app.log.")); err != nil {
				t.Errorf("unexpected file %s", name)
			}
		}
		files++
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			var id, seq int
			l := sc.Text() + "\n"
			if _, err := fmt.Sscanf(l, "child=%d seq=%d", &id, &seq); err != nil || id < 0 || id >= children ||
				seq < 0 || seq >= lines || l != childLine(id, seq) {
				t.Fatalf("%s: corrupt line %q", name, l)
			}
			if seen[id][seq] {
				t.Fatalf("line %q twice", l)
			}
			seen[id][seq] = true
			total++
		}
	}
	if total != children*lines {
		t.Fatalf("found %d lines, want %d: %d lost", total, children*lines, children*lines-total)
	}
	if files < 2 {
		t.Errorf("only %d files: no rotation happened", files)
	}
	t.Logf("%d lines in %d files; %d rollover failures reported", total, files, reports)
}
