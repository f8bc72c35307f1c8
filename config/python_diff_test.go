package config

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

// TestDifferentialPython loads testdata/differential.json with CPython's
// logging.config.dictConfig and with Load, each writing into a directory of its own, makes
// the same calls through both (loggers across the hierarchy, all five levels, propagate on
// and off, handler levels, handler and logger filters, five formatters, size rotation with
// a small maxBytes, a MemoryHandler, mode 'w', a NullHandler) and requires byte-identical
// file sets.
//
// asctime is compared masked: both sides stamp the wall clock, so the time itself cannot
// agree, but the mask keeps its shape (Python's default "2006-01-02 15:04:05,000") under
// test. Every other format is free of time.
func TestDifferentialPython(t *testing.T) {
	python := testutil.LookPath(t, "python3")
	doc, err := os.ReadFile("testdata/differential.json")
	if err != nil {
		t.Fatal(err)
	}
	calls := differentialCalls()
	callsJSON, _ := json.Marshal(calls)

	root := t.TempDir()
	pyDir, goDir := filepath.Join(root, "py"), filepath.Join(root, "go")
	for _, d := range []string{pyDir, goDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		// brace.log is opened with mode 'w': its old content must go.
		if err := os.WriteFile(filepath.Join(d, "brace.log"), []byte("old content\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		side := bytes.ReplaceAll(doc, []byte("DIR"), []byte(d))
		if err := os.WriteFile(filepath.Join(root, filepath.Base(d)+".json"), side, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	callsPath := filepath.Join(root, "calls.json")
	if err := os.WriteFile(callsPath, callsJSON, 0o644); err != nil {
		t.Fatal(err)
	}

	out, err := exec.Command(python, "testdata/differential.py", filepath.Join(root, "py.json"), callsPath).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}

	l, err := Load(filepath.Join(root, "go.json"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range calls {
		l.Logger(c.Name).Log(ctx, slogx.FromPythonLevel(c.Level), c.Msg)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	want, got := readTree(t, pyDir), readTree(t, goDir)
	if len(want) < 10 {
		t.Fatalf("python wrote only %d files: %v", len(want), keys(want))
	}
	if fmt.Sprint(keys(want)) != fmt.Sprint(keys(got)) {
		t.Fatalf("file sets differ:\npython: %v\ngo:     %v", keys(want), keys(got))
	}
	for _, name := range keys(want) {
		if w, g := want[name], got[name]; w != g {
			t.Errorf("%s differs:\n--- python\n%s--- go\n%s", name, w, g)
		}
	}
	if !strings.Contains(want["timed.log"], "<asctime> ERROR") {
		t.Errorf("timed.log has no masked asctime:\n%s", want["timed.log"])
	}
	if !strings.Contains(want["rot.log.3"], "|") {
		t.Errorf("rotation did not reach three backups: %v", keys(want))
	}
}

type call struct {
	Name  string
	Level int
	Msg   string
}

func (c call) MarshalJSON() ([]byte, error) { return json.Marshal([]any{c.Name, c.Level, c.Msg}) }

// differentialCalls logs at every level through loggers across the hierarchy, twice, so
// that the rotating file rolls over several times.
func differentialCalls() []call {
	names := []string{"", "app", "app.db", "app.db.pool", "app.quiet", "app.quiet.x", "app.net",
		"app.net.tcp", "application", "lib", "lib.sub", "lib.sub.x", "lib.other", "silent",
		"silent.child", "other.deep.name"}
	var calls []call
	for round := range 2 {
		for _, n := range names {
			for _, lv := range []int{10, 20, 30, 40, 50} {
				calls = append(calls, call{n, lv, fmt.Sprintf("round %d from %q at %d: 50%% done", round, n, lv)})
			}
		}
	}
	return calls
}

var asctime = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}`)

// readTree reads every file of dir, asctime masked.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = asctime.ReplaceAllString(string(b), "<asctime>")
	}
	return files
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
