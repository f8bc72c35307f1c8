//go:build unix

package rotate

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// lockHeld reports whether some open file description holds the flock on name.
func lockHeld(t testing.TB, name string) bool {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Error(err)
		return false
	}
	defer f.Close()
	err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if err == nil {
		unix.Flock(int(f.Fd()), unix.LOCK_UN)
		return false
	}
	return err == unix.EWOULDBLOCK
}

// With Lock, MaxAge removes under the flock: the clock it reads to decide is read only while
// path.lock is held. Two writers (separate opens: only the flock orders them) rotate with
// Compress: the old backups, plain and gzipped, go once, no error is reported, and every
// younger line survives.
func TestMaxAgeLockCompress(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	base := time.Now()
	var reads atomic.Int32
	now := func() time.Time {
		reads.Add(1)
		if !lockHeld(t, path+".lock") {
			t.Error("MaxAge decided without holding the flock")
		}
		return base
	}
	for name, d := range map[string]time.Duration{"app.log.1": time.Hour, "app.log.2.gz": 50 * time.Hour, "app.log.3": 49 * time.Hour} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		age(t, filepath.Join(dir, name), base, d)
	}
	o := SizeOptions{MaxBytes: 64, BackupCount: 100, Files: Files{Lock: true, Compress: true, MaxAge: 48 * time.Hour,
		now: now, OnError: func(err error) { t.Errorf("reported: %v", err) }}}
	a := openSize(t, path, o)
	b := openSize(t, path, o)
	for i := 0; i < 20; i++ {
		write(t, a, childLine(0, i))
		write(t, b, childLine(1, i))
	}
	closeAll(t, a, b)
	if reads.Load() < 2 {
		t.Errorf("the clock was read %d times: MaxAge did not run at both opens", reads.Load())
	}
	lines := map[string]bool{}
	files := dirFiles(t, dir)
	for name, content := range files {
		switch {
		case name == "app.log.lock":
			continue
		case filepath.Ext(name) == ".gz":
			content = gunzip(t, filepath.Join(dir, name))
		case name != "app.log":
			t.Errorf("%s left uncompressed", name)
		}
		for _, l := range splitLines(content) {
			if lines[l] {
				t.Errorf("line twice: %q", l)
			}
			lines[l] = true
		}
	}
	if lines["x\n"] != true || len(lines) != 41 {
		t.Errorf("%d distinct lines, want the 40 written and the young backup's", len(lines))
	}
	// Only the young backup's "x" is left of the three: the two old ones went.
	x := 0
	for name := range files {
		if name != "app.log.lock" && filepath.Ext(name) == ".gz" && gunzip(t, filepath.Join(dir, name)) == "x\n" {
			x++
		}
	}
	if x != 1 {
		t.Errorf("%d backups hold the old content, want 1 (the young one)", x)
	}
}

// Without Lock, a backup another writer still appends to is neither removed by MaxAge nor
// compressed: b has not noticed a's rollover, and its late line reaches the backup, which is
// compressed when b, the last writer holding it, lets it go.
func TestNoLockHeldBackupKept(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	clk := &fakeClock{t: time.Now()}
	o := SizeOptions{MaxBytes: 10, BackupCount: 5, Files: Files{Compress: true, MaxAge: 24 * time.Hour, now: clk.Now,
		OnError: func(err error) { t.Errorf("reported: %v", err) }}}
	a := openSize(t, path, o)
	b := openSize(t, path, o)
	write(t, a, "aaaa\n")
	write(t, a, "bbbb\n") // a rolls over: "aaaa" is .1, which b still holds
	a.bg.wait()           // the renames of a rollover without Lock end in the background
	age(t, path+".1", clk.Now(), 48*time.Hour)
	write(t, a, "cccc\n") // a rolls over: .1 becomes .2, old but held: kept, uncompressed
	closeAll(t, a)
	want := map[string]string{"app.log": "cccc\n", "app.log.1.gz": "", "app.log.2": "aaaa\n"}
	got := withoutNamesLock(dirFiles(t, dir))
	got["app.log.1.gz"] = ""
	if d := diffFiles(want, got); d != "" {
		t.Fatalf("after a's rollovers: %s", d)
	}
	write(t, b, "late\n") // b's size is 0: no rollover, the line goes to the held backup
	closeAll(t, b)
	if got := fileNames(t, dir); got != "app.log app.log.1.gz app.log.2.gz" {
		t.Fatalf("after b let go: files %s", got)
	}
	if got := gunzip(t, path+".2.gz"); got != "aaaa\nlate\n" {
		t.Errorf("app.log.2.gz = %q, want the late line too", got)
	}
	if got := gunzip(t, path+".1.gz"); got != "bbbb\n" {
		t.Errorf("app.log.1.gz = %q", got)
	}
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
