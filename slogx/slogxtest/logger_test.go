package slogxtest_test

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/slogx/handlers/slogx/slogxtest"
)

// childEnv, when set, makes TestNewLoggerChild run: it is the test whose output
// TestNewLogger reads, run in a child process (go test's captured t.Log output cannot be
// read from inside).
const childEnv = "SLOGXTEST_CHILD"

// late receives the logger of TestNewLoggerChild, which logs once more after the test ended.
var late = make(chan func(), 1)

func TestNewLoggerChild(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("run by TestNewLogger")
	}
	l := slogxtest.NewLogger(t)
	l.Debug("debug shows", "n", 1)
	l.WithGroup("req").Error("failed", "err", errors.New("timeout\nwhile reading"))
	late <- func() { l.Info("too late") }
}

func TestNewLoggerAfter(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("run by TestNewLogger")
	}
	(<-late)() // the child test has ended: must not panic
}

func TestNewLogger(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestNewLogger(Child|After)$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	child, _, _ := strings.Cut(out[strings.Index(out, "=== RUN   TestNewLoggerChild"):], "--- PASS: TestNewLoggerChild")
	for _, want := range []string{
		"DEBUG slogxtest/logger_test.go:26 debug shows n=1", "ERROR slogxtest/logger_test.go:27 failed",
		"\n      req.err:\n        timeout\n        while reading\n",
	} {
		if !strings.Contains(child, want) {
			t.Errorf("%q not in the child test's output:\n%s", want, child)
		}
	}
	if !strings.Contains(stderr.String(), "TestNewLoggerChild (logged after the test ended):") ||
		!strings.Contains(stderr.String(), "INFO  slogxtest/logger_test.go:28 too late") {
		t.Errorf("late record not on standard error:\n%s", stderr.String())
	}
}
