package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
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
		"app.log": append([]string{"DEBUG [app] starting", "INFO [app] listening", "INFO [app.db] connected", "ERROR [app.db.pool] pool exhausted"},
			slices.Repeat([]string{"INFO [app.access] GET /health 200"}, 20)...),
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
for _ in range(20):
    logging.getLogger("app.access").info("GET /health 200")
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

// TestProduction runs production.yaml: the JSON file gets the app's records with the
// request id, the access log sampled; the OTLP collector (a loopback HTTP server) gets
// what root's handlers get.
func TestProduction(t *testing.T) {
	doc, err := filepath.Abs("production.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var requests int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		requests++
		mu.Unlock()
	}))
	defer srv.Close()
	dir := t.TempDir()
	t.Setenv("LOG_DIR", dir)
	t.Setenv("OTLP_URL", srv.URL+"/v1/logs")
	t.Setenv("LOG_LEVEL", "debug")
	t.Setenv("CONSOLE_LEVEL", "CRITICAL")
	if err := run(doc); err != nil {
		t.Fatal(err)
	}
	lines := testutil.ParseJSONLines(t, mustRead(t, filepath.Join(dir, "app.jsonl")))
	var access, withRequest int
	for _, l := range lines {
		if l["logger"] == "app.access" {
			access++
		}
		if l["request"] == "r-1" {
			withRequest++
		}
	}
	if access != 10 {
		t.Errorf("access log: %d records, want the first 10 of 20", access)
	}
	// app's five records (LOG_LEVEL=debug) and the 10 access records carry the id.
	if withRequest != 5+10 {
		t.Errorf("%d records carry the request id, want 15:\n%v", withRequest, lines)
	}
	mu.Lock()
	defer mu.Unlock()
	if requests == 0 {
		t.Error("the OTLP collector got nothing")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
