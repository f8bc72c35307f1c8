package config

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
)

// TestRotatingBackupCountZeroNeverRotates loads a RotatingFileHandler (and slogx.rotate.Size)
// with maxBytes and backupCount 0 through CPython's dictConfig and through Parse: both keep
// writing one file past maxBytes and make no backup (Python's rule, which rotate.NewSize
// refuses for Go callers), byte for byte.
func TestRotatingBackupCountZeroNeverRotates(t *testing.T) {
	python := testutil.LookPath(t, "python3")
	const doc = `{"version": 1,
 "formatters": {"msg": {"format": "%%(message)s"}},
 "handlers": {
  "rot": {"class": "logging.handlers.RotatingFileHandler", "filename": "%[1]s/rot.log",
          "maxBytes": 100, "backupCount": 0, "formatter": "msg"}%[2]s},
 "root": {"level": "INFO", "handlers": ["rot"%[3]s]}}`
	const n = 20 // 20 records of 30 bytes: 6x maxBytes
	record := func(i int) string { return fmt.Sprintf("record %02d ...................", i) }

	pyDir, goDir := t.TempDir(), t.TempDir()
	script := fmt.Sprintf("import json, logging, logging.config, sys\n"+
		"logging.config.dictConfig(json.loads(sys.argv[1]))\n"+
		"for i in range(%d):\n"+
		"    logging.getLogger().info('record %%02d ...................' %% i)\n"+
		"logging.shutdown()\n", n)
	if out, err := exec.Command(python, "-c", script, fmt.Sprintf(doc, pyDir, "", "")).CombinedOutput(); err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}

	size := `,
  "size": {"class": "slogx.rotate.Size", "filename": "%[1]s/size.log", "maxBytes": 100, "backupCount": 0,
           "formatter": "msg"}`
	l, err := Parse([]byte(fmt.Sprintf(doc, goDir, fmt.Sprintf(size, goDir), `, "size"`)))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		l.Logger("").Info(record(i))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	var want strings.Builder
	for i := 0; i < n; i++ {
		want.WriteString(record(i) + "\n")
	}
	py, err := os.ReadFile(filepath.Join(pyDir, "rot.log"))
	if err != nil {
		t.Fatal(err)
	}
	if string(py) != want.String() {
		t.Fatalf("python3 wrote %q, want %q", py, want.String())
	}
	for dir, names := range map[string][]string{pyDir: {"rot.log"}, goDir: {"rot.log", "size.log"}} {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range ents {
			got = append(got, e.Name())
		}
		if fmt.Sprint(got) != fmt.Sprint(names) {
			t.Errorf("%s holds %v, want %v (no backup)", dir, got, names)
		}
	}
	for _, name := range []string{"rot.log", "size.log"} {
		b, err := os.ReadFile(filepath.Join(goDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != string(py) {
			t.Errorf("%s = %q, want python's %q", name, b, py)
		}
	}
}
