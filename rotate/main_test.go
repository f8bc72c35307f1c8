package rotate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The multi-process test re-executes this binary as a writer child.
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	if os.Getenv(crashEnv) != "" {
		os.Exit(runCrashChild())
	}
	// lumberjack v2.2.1 never stops its mill goroutine, even after Close (upstream bug).
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("gopkg.in/natefinch/lumberjack%2ev2.(*Logger).millRun"))
}

// python returns the path of python3; missing, it skips the test, or fails it under CI=true.
func python(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 is required under CI=true: %v", err)
		}
		t.Skipf("python3 not found, differential test skipped: %v", err)
	}
	return p
}

// runPython sends req to testdata/pyref.py as JSON in one python3 process and decodes its answer.
func runPython(t testing.TB, req, ans any) {
	t.Helper()
	py := python(t)
	in, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "pyref.py"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	defer func() { t.Logf("python3 ran %v", time.Since(start)) }()
	cmd := exec.Command(py, script)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3 pyref.py: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(out, ans); err != nil {
		t.Fatalf("decode python answer: %v\n%.500s", err, out)
	}
}

// needCPython311 stops a test that compares with CPython 3.11's TimedRotatingFileHandler
// (the rules NextRollover and TimedFile implement; later versions changed them) when python3
// is another version: a skip locally, a failure under CI=true.
func needCPython311(t testing.TB, version []int) {
	t.Helper()
	if len(version) >= 2 && version[0] == 3 && version[1] == 11 {
		return
	}
	msg := fmt.Sprintf("python3 is %v; the timed rotation rules are CPython 3.11's", version)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// dirFiles returns name -> content of every file in dir.
func dirFiles(t testing.TB, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = string(b)
	}
	return m
}
