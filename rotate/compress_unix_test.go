//go:build unix

package rotate

import (
	"os"
	"path/filepath"
	"testing"
)

// Recovery removes a partial gzip only when no live compression holds it: the one another
// process (here, a descriptor holding its flock) is writing stays; once let go, it is a crash's
// leftover and goes.
func TestRecoverySparesLiveCompression(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	tmp := path + ".1" + tmpMark + "123"
	if err := os.WriteFile(tmp, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	live, err := os.Open(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if held, err := holdExclusive(live); !held || err != nil {
		t.Fatalf("flock: %v %v", held, err)
	}
	o := SizeOptions{MaxBytes: 100, BackupCount: 3, Files: Files{Compress: true,
		OnError: func(err error) { t.Errorf("reported: %v", err) }}}
	closeAll(t, openSize(t, path, o))
	if !exists(tmp) {
		t.Fatal("a live compression's partial gzip was removed")
	}
	live.Close()
	closeAll(t, openSize(t, path, o))
	if exists(tmp) {
		t.Fatal("an abandoned partial gzip was kept")
	}
}
