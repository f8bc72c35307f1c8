package rotate

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// childEnv, when set, makes the test binary a writer child of the multi-process tests:
// ROTATE_CHILD=<id>, ROTATE_PATH, ROTATE_LINES, ROTATE_MAX, ROTATE_BACKUPS, ROTATE_NOLOCK=1
// to write without Lock and ROTATE_COMPRESS=1 to compress backups.
const childEnv = "ROTATE_CHILD"

// childLine is the fixed-width line child id writes as its seq-th record.
func childLine(id, seq int) string {
	return fmt.Sprintf("child=%02d seq=%07d ........................\n", id, seq)
}

func runChild() int {
	id, _ := strconv.Atoi(os.Getenv(childEnv))
	n, _ := strconv.Atoi(os.Getenv("ROTATE_LINES"))
	max, _ := strconv.ParseInt(os.Getenv("ROTATE_MAX"), 10, 64)
	backups, _ := strconv.Atoi(os.Getenv("ROTATE_BACKUPS"))
	lock := os.Getenv("ROTATE_NOLOCK") != "1"
	compress := os.Getenv("ROTATE_COMPRESS") == "1"
	f, err := NewSize(os.Getenv("ROTATE_PATH"), SizeOptions{MaxBytes: max, BackupCount: backups,
		Files: Files{Lock: lock, Compress: compress,
			OnError: func(err error) { fmt.Fprintln(os.Stderr, "child error:", err) }}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	for i := 0; i < n; i++ {
		if _, err := f.Write([]byte(childLine(id, i))); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 4
	}
	return 0
}

// childRun is a run of writer children: children processes each write lines lines to path
// rotated at maxBytes, keeping backups, with env added to theirs (ROTATE_NOLOCK=1, ...).
type childRun struct {
	children, lines int
	maxBytes        int64
	backups         int
	env             []string
}

// run starts the children, waits for them, fails t if one failed, and returns what each wrote
// to its standard output and error.
func (c childRun) run(t *testing.T, path string) []string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for id := 0; id < c.children; id++ {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+strconv.Itoa(id), "ROTATE_PATH="+path,
			"ROTATE_LINES="+strconv.Itoa(c.lines), "ROTATE_MAX="+strconv.FormatInt(c.maxBytes, 10),
			"ROTATE_BACKUPS="+strconv.Itoa(c.backups))
		cmd.Env = append(cmd.Env, c.env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		outs = append(outs, &out)
	}
	res := make([]string, len(cmds))
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d (a Write failed?): %v\n%s", i, err, outs[i])
		}
		res[i] = outs[i].String()
	}
	return res
}
