package rotate

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"testing"
)

// fullLine is record seq, 64 bytes with its newline.
func fullLine(seq int) string {
	return fmt.Sprintf("rec=%05d %s\n", seq, strings.Repeat(".", 64-len("rec=00000 \n")))
}

func mkdir(t testing.TB, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t testing.TB, w interface{ Write([]byte) (int, error) }, s string) {
	t.Helper()
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatalf("write %q: %v", s, err)
	}
}

func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sortStrings(s []string) { sort.Strings(s) }

// withoutNamesLock drops app.log.lock from files: Compress and MaxAge without Lock take a
// flock on it for renames and removals where flock exists (see Files.Lock).
func withoutNamesLock(files map[string]string) map[string]string {
	delete(files, "app.log.lock")
	return files
}

// openSize opens a SizeFile on path with o, failing t on an error.
func openSize(t testing.TB, path string, o SizeOptions) *SizeFile {
	t.Helper()
	f, err := NewSize(path, o)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// closeAll closes every f, failing t on an error.
func closeAll(t testing.TB, fs ...io.Closer) {
	t.Helper()
	for _, f := range fs {
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
