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

// TestLockManyProcesses runs real child processes (this test binary, re-executed) that write
// 100k lines in all to one path with Lock, across many rotations, and checks that every line
// is in exactly one file, intact, and that the file rotated once per threshold: no backup is
// smaller than MaxBytes less one line (a double rotation would leave a small one).
func TestLockManyProcesses(t *testing.T) {
	const (
		children = 4
		lines    = 25000
		maxBytes = 128 << 10
		backups  = 100
	)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	for i, out := range (childRun{children, lines, maxBytes, backups, nil}).run(t, path) {
		if out != "" {
			t.Errorf("child %d reported: %s", i, out)
		}
	}

	lineLen := len(childLine(0, 0))
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
		if name == "app.log.lock" {
			continue
		}
		if name != "app.log" && !strings.HasPrefix(name, "app.log.") {
			t.Errorf("unexpected file %s", name)
			continue
		}
		if _, err := strconv.Atoi(strings.TrimPrefix(name, "app.log.")); name != "app.log" && err != nil {
			t.Errorf("unexpected file %s", name)
			continue
		}
		files++
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) >= maxBytes {
			t.Errorf("%s has %d bytes, MaxBytes is %d", name, len(b), maxBytes)
		}
		if name != "app.log" && len(b) < maxBytes-lineLen {
			t.Errorf("%s has %d bytes: rotated early (twice?)", name, len(b))
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
		t.Fatalf("found %d lines, want %d", total, children*lines)
	}
	if want := children * lines * lineLen / maxBytes; files < want {
		t.Errorf("only %d files, want at least %d", files, want)
	}
	t.Logf("%d lines in %d files", total, files)
}

// Two writers with Lock and Compress (separate opens, so only the flock orders them): every
// line ends up once in the plain or gzipped files, and no backup is left uncompressed.
func TestLockCompressTwoWriters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	o := SizeOptions{MaxBytes: 4 << 10, BackupCount: 100, Files: Files{Lock: true, Compress: true,
		OnError: func(err error) { t.Errorf("reported: %v", err) }}}
	a := openSize(t, path, o)
	b := openSize(t, path, o)
	const n = 2000
	for i := 0; i < n; i++ {
		write(t, a, childLine(0, i))
		write(t, b, childLine(1, i))
	}
	closeAll(t, a, b)
	seen := map[string]bool{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		name := e.Name()
		var content string
		switch {
		case name == "app.log.lock":
			continue
		case name == "app.log":
			content = readFile(t, path)
		case strings.HasSuffix(name, ".gz"):
			content = gunzip(t, filepath.Join(dir, name))
		default:
			t.Errorf("left uncompressed or unexpected: %s", name)
			continue
		}
		for _, l := range strings.SplitAfter(content, "\n") {
			if l == "" {
				continue
			}
			if seen[l] {
				t.Fatalf("line twice: %q", l)
			}
			seen[l] = true
		}
	}
	if len(seen) != 2*n {
		t.Fatalf("%d lines, want %d", len(seen), 2*n)
	}
}
