package rotate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// age sets name's modification time to d before now.
func age(t testing.TB, name string, now time.Time, d time.Duration) {
	t.Helper()
	if err := os.Chtimes(name, now.Add(-d), now.Add(-d)); err != nil {
		t.Fatal(err)
	}
}

func fileNames(t testing.TB, dir string) string {
	t.Helper()
	return strings.Join(keys(withoutNamesLock(dirFiles(t, dir))), " ")
}

// MaxAge removes the backups older than it at open and at each rollover, never the current
// file however old, and keeps the younger ones.
func TestSizeMaxAge(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	clk := &fakeClock{t: time.Now()}
	o := SizeOptions{MaxBytes: 10, BackupCount: 5, Files: Files{MaxAge: 24 * time.Hour, now: clk.Now}}
	f := openSize(t, path, o)
	for _, r := range []string{"aaaa\n", "bbbb\n", "cccc\n", "dddd\n"} {
		write(t, f, r)
	}
	closeAll(t, f)
	if got := fileNames(t, dir); got != "app.log app.log.1 app.log.2 app.log.3" {
		t.Fatalf("files %s", got)
	}
	age(t, path+".3", clk.Now(), 48*time.Hour)
	age(t, path+".2", clk.Now(), 24*time.Hour+time.Second)
	age(t, path+".1", clk.Now(), 23*time.Hour)
	age(t, path, clk.Now(), 100*time.Hour) // the current file: never removed

	f = openSize(t, path, o) // open: .2 and .3 go
	if got := fileNames(t, dir); got != "app.log app.log.1" {
		t.Fatalf("after open: files %s", got)
	}
	age(t, path+".1", clk.Now(), 30*time.Hour)
	write(t, f, "e\n")    // no rollover; the current file is young again
	write(t, f, "ffff\n") // rollover: .1 becomes .2, 30 hours old, and goes
	closeAll(t, f)
	want := map[string]string{"app.log": "ffff\n", "app.log.1": "dddd\ne\n"}
	if d := diffFiles(want, withoutNamesLock(dirFiles(t, dir))); d != "" {
		t.Error(d)
	}
}

// Compressed backups keep their original's modification time, and MaxAge removes them by it.
func TestSizeMaxAgeCompressed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	clk := &fakeClock{t: time.Now()}
	for i, d := range []time.Duration{time.Hour, 48 * time.Hour} {
		n := path + "." + string(rune('1'+i))
		if err := os.WriteFile(n, []byte("backup\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		age(t, n, clk.Now(), d)
	}
	o := SizeOptions{MaxBytes: 100, BackupCount: 5, Files: Files{Compress: true, now: clk.Now}}
	closeAll(t, openSize(t, path, o)) // compresses .1 and .2
	if got := fileNames(t, dir); got != "app.log app.log.1.gz app.log.2.gz" {
		t.Fatalf("files %s", got)
	}
	for i, d := range []time.Duration{time.Hour, 48 * time.Hour} {
		st, err := os.Stat(path + "." + string(rune('1'+i)) + ".gz")
		if err != nil {
			t.Fatal(err)
		}
		if want := clk.Now().Add(-d); !st.ModTime().Equal(want) {
			t.Errorf("%s modified %v, want the original's %v", st.Name(), st.ModTime(), want)
		}
	}

	o.MaxAge = 24 * time.Hour
	closeAll(t, openSize(t, path, o))
	if got := fileNames(t, dir); got != "app.log app.log.1.gz" {
		t.Fatalf("after open with MaxAge: files %s", got)
	}
}

// Timed rotation: backups (plain and gzipped) older than MaxAge go at open and at each
// rollover, BackupCount or not; other files are never touched.
func TestTimedMaxAge(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	clk := &fakeClock{t: utc("2026-03-10 10:00:00")}
	for name, d := range map[string]time.Duration{
		"app.log.2026-03-01":    9 * 24 * time.Hour,
		"app.log.2026-03-02.gz": 8 * 24 * time.Hour,
		"app.log.2026-03-09":    24 * time.Hour,
		"app.log.bak":           30 * 24 * time.Hour, // not a backup of this file
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		age(t, filepath.Join(dir, name), clk.Now(), d)
	}
	o := TimedOptions{When: "D", UTC: true, Now: clk.Now, Files: Files{MaxAge: 7 * 24 * time.Hour}}
	f, err := NewTimed(path, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := fileNames(t, dir); got != "app.log app.log.2026-03-09 app.log.bak" {
		t.Fatalf("after open: files %s", got)
	}
	write(t, f, "day 10\n")
	clk.Set(utc("2026-03-17 10:00:01")) // a week later: .2026-03-09 is 8 days old
	write(t, f, "day 17\n")
	closeAll(t, f)
	// The backup made by this rollover was written (real clock) after the fake now: young.
	if got := fileNames(t, dir); got != "app.log app.log.2026-03-10 app.log.bak" {
		t.Fatalf("after rollover: files %s", got)
	}
}
