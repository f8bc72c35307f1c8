package rotate

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/slogx/handlers/internal/testutil"
)

// Write without Lock and without a rollover does not allocate, as SizeFile.Write and
// TimedFile.Write promise, Compress and MaxAge on (their flocks are taken at open and
// rollover only).
func TestWriteAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("the race detector allocates")
	}
	dir := t.TempDir()
	files := Files{Compress: true, MaxAge: time.Hour}
	s := openSize(t, filepath.Join(dir, "size.log"), SizeOptions{MaxBytes: 1 << 40, BackupCount: 1, Files: files})
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tf, err := NewTimed(filepath.Join(dir, "timed.log"), TimedOptions{When: "D", UTC: true,
		Now: func() time.Time { return now }, Files: files})
	if err != nil {
		t.Fatal(err)
	}
	line := []byte("a record of some length ......................\n")
	for name, w := range map[string]interface{ Write([]byte) (int, error) }{"size": s, "timed": tf} {
		if n := testing.AllocsPerRun(1000, func() { _, _ = w.Write(line) }); n != 0 {
			t.Errorf("%s: %v allocations per Write, want 0", name, n)
		}
	}
	closeAll(t, s, tf)
}
