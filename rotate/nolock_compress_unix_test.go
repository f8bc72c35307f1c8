//go:build unix

package rotate

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoLockCompressManyProcesses is TestNoLockManyProcesses with Compress: four processes
// write 20,000 lines in all to one path without Lock and gzip their backups. A process that
// has not yet noticed another's rollover still appends to the file that became a backup; the
// backup must not be compressed and removed under it. Every line is counted across the plain
// and gzipped files: none may be lost, none duplicated; and once every writer closed, every
// backup is compressed (the last writer to let one go compresses it). The code before the
// shared and exclusive flocks failed it 12 times in 12 runs: up to 1,968 lines lost and 1,248
// duplicated, or backups left uncompressed.
func TestNoLockCompressManyProcesses(t *testing.T) {
	const (
		children = 4
		lines    = 5000 // per child
		maxBytes = 8 << 10
		backups  = 1000
	)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	reports := 0
	outs := (childRun{children, lines, maxBytes, backups, []string{"ROTATE_NOLOCK=1", "ROTATE_COMPRESS=1"}}).run(t, path)
	for i, out := range outs {
		reports += strings.Count(out, "child error:")
		if out != "" {
			t.Logf("child %d reported:\n%s", i, out)
		}
	}

	count := make([][]int, children)
	for i := range count {
		count[i] = make([]int, lines)
	}
	files, gz, plain := 0, 0, 0
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		name := e.Name()
		full := filepath.Join(dir, name)
		var content string
		switch num := strings.TrimSuffix(strings.TrimPrefix(name, "app.log."), ".gz"); {
		case name == "app.log.lock":
			continue
		case name == "app.log" || name == "app.log.rotating":
			content = readFile(t, full)
		case strings.HasSuffix(name, ".gz") && isNumber(num):
			content = gunzip(t, full)
			gz++
		case isNumber(num):
			content = readFile(t, full)
			plain++
		default:
			t.Errorf("unexpected file %s", name)
			continue
		}
		files++
		for _, l := range strings.SplitAfter(content, "\n") {
			if l == "" {
				continue
			}
			var id, seq int
			if _, err := fmt.Sscanf(l, "child=%d seq=%d", &id, &seq); err != nil || id < 0 || id >= children ||
				seq < 0 || seq >= lines || l != childLine(id, seq) {
				t.Fatalf("%s: corrupt line %q", name, l)
			}
			count[id][seq]++
		}
	}
	lost, dup := 0, 0
	for id := range count {
		for _, c := range count[id] {
			switch {
			case c == 0:
				lost++
			case c > 1:
				dup += c - 1
			}
		}
	}
	t.Logf("%d files (%d gzipped); %d rollover failures reported; lost %d, duplicated %d of %d lines",
		files, gz, reports, lost, dup, children*lines)
	if lost != 0 || dup != 0 {
		t.Errorf("lost %d and duplicated %d of %d lines", lost, dup, children*lines)
	}
	if gz == 0 || plain != 0 {
		t.Errorf("%d backups compressed, %d left uncompressed after every writer closed", gz, plain)
	}
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}
