package rotate

import (
	"fmt"
	"os"
	"strconv"
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
