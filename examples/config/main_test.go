package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun runs the example in a temporary directory and checks where each record went.
func TestRun(t *testing.T) {
	doc, err := filepath.Abs("logging.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if err := run(doc); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"app.log":    {"DEBUG [app] starting", "INFO [app] listening", "INFO [app.db] connected", "ERROR [app.db.pool] pool exhausted"},
		"db.log":     {"INFO [app.db] connected", "ERROR [app.db.pool] pool exhausted"},
		"errors.log": {"ERROR [app.db.pool] pool exhausted", "ERROR [urllib3] connection refused"},
	}
	for file, lines := range want {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(got) != len(lines) {
			t.Fatalf("%s has %d lines, want %d:\n%s", file, len(got), len(lines), b)
		}
		for i, l := range lines {
			if !strings.HasSuffix(got[i], l) {
				t.Errorf("%s line %d = %q, want suffix %q", file, i+1, got[i], l)
			}
		}
	}
}
