package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
	"go.yaml.in/yaml/v3"
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

// pythonCalls are run's calls, in Python.
const pythonCalls = `
import json, logging, logging.config, sys
logging.config.dictConfig(json.load(open(sys.argv[1])))
log = logging.getLogger("app")
log.debug("starting")
log.info("listening")
logging.getLogger("app.db").info("connected")
logging.getLogger("app.db.pool").info("pool grown")
logging.getLogger("app.db.pool").error("pool exhausted")
logging.getLogger("urllib3").warning("retrying")
logging.getLogger("urllib3").error("connection refused")
logging.shutdown()
`

var isoTime = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d`)

// TestSameAsCPython runs logging.yaml through CPython and through run, each in a directory of
// its own, and compares the files, the time masked (both stamp the clock). CPython gets the
// document as JSON, converted here, so the test needs no PyYAML (CPython's dictConfig takes a
// dict, whatever it was parsed from).
func TestSameAsCPython(t *testing.T) {
	python := testutil.LookPath(t, "python3")
	doc, err := filepath.Abs("logging.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pyDir, goDir := t.TempDir(), t.TempDir()
	raw, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := yaml.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	jsonDoc := filepath.Join(t.TempDir(), "logging.json")
	if err := os.WriteFile(jsonDoc, js, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", pythonCalls, jsonDoc)
	cmd.Dir = pyDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	t.Chdir(goDir)
	if err := run(doc); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"app.log", "db.log", "errors.log"} {
		want, err := os.ReadFile(filepath.Join(pyDir, f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(goDir, f))
		if err != nil {
			t.Fatal(err)
		}
		w, g := isoTime.ReplaceAllString(string(want), "T"), isoTime.ReplaceAllString(string(got), "T")
		if w != g {
			t.Errorf("%s differs:\n--- python\n%s--- go\n%s", f, w, g)
		}
	}
}
