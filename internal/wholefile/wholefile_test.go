package wholefile

import (
	"os"
	"path/filepath"
	"testing"
)

// DropPartial cuts our fragment when the file ends with it, and leaves the file alone when
// another writer appended after it (cutting would destroy that writer's record).
func TestDropPartial(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.log")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	write(t, f, "whole\nfrag")
	if err := DropPartial(f, len("frag")); err != nil {
		t.Fatal(err)
	}
	write(t, f, "next\nfrag")
	if got := readFile(t, path); got != "whole\nnext\nfrag" {
		t.Fatalf("after drop and write: %q", got)
	}
	other, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	write(t, other, "theirs\n")
	other.Close()
	if err := DropPartial(f, len("frag")); err == nil {
		t.Fatal("no error although another writer appended after the fragment")
	}
	if got := readFile(t, path); got != "whole\nnext\nfragtheirs\n" {
		t.Fatalf("another writer's record was cut: %q", got)
	}
}

func write(t *testing.T, f *os.File, s string) {
	t.Helper()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
