//go:build unix

package rotate

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
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
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for id := 0; id < children; id++ {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+strconv.Itoa(id), "ROTATE_NOLOCK=1", "ROTATE_PATH="+path,
			"ROTATE_LINES="+strconv.Itoa(lines), "ROTATE_MAX="+strconv.Itoa(maxBytes),
			"ROTATE_BACKUPS="+strconv.Itoa(backups))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		outs = append(outs, &out)
	}
	reports := 0
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d (a Write failed?): %v\n%s", i, err, outs[i])
		}
		reports += strings.Count(outs[i].String(), "child error:")
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
