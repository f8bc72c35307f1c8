package rotate

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for TimedOptions.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		panic(err)
	}
	return t
}

// An existing backup name gets a counter instead of being deleted (Python deletes it).
func TestTimedNeverOverwritesBackup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	os.WriteFile(path+".2026-03-01", []byte("precious\n"), 0o644)
	os.WriteFile(path+".2026-03-01.1", []byte("precious too\n"), 0o644)
	clk := &fakeClock{t: utc("2026-03-01 10:00:00")}
	f, err := NewTimed(path, TimedOptions{When: "midnight", UTC: true, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	write(t, f, "day one\n")
	clk.Set(utc("2026-03-02 00:00:01"))
	write(t, f, "day two\n")
	f.Close()
	want := map[string]string{"app.log": "day two\n", "app.log.2026-03-01": "precious\n",
		"app.log.2026-03-01.1": "precious too\n", "app.log.2026-03-01.2": "day one\n"}
	if d := diffFiles(want, dirFiles(t, dir)); d != "" {
		t.Error(d)
	}
}

// Retention deletes only this file's backups: not a size-rotated sibling's app.log.1, not
// app.log.bak, not another base name's dated backups.
func TestTimedRetentionSparesOthers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	others := map[string]string{"app.log.1": "size sibling\n", "app.log.bak": "bak\n",
		"other.log.2026-01-01": "other\n", "app.log.2026-01-01_10": "hourly pattern, not daily\n",
		"app.log.lock": ""}
	for n, c := range others {
		os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644)
	}
	os.WriteFile(path+".2026-01-01", []byte("old1\n"), 0o644)
	os.WriteFile(path+".2026-01-02.gz", []byte("old2\n"), 0o644)
	clk := &fakeClock{t: utc("2026-03-01 10:00:00")}
	f, err := NewTimed(path, TimedOptions{When: "D", UTC: true, BackupCount: 2, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	for i, day := range []string{"2026-03-01 10:00:00", "2026-03-02 10:00:00", "2026-03-03 10:00:00", "2026-03-04 10:00:00"} {
		clk.Set(utc(day))
		write(t, f, "day "+string(rune('1'+i))+"\n")
	}
	f.Close()
	want := map[string]string{"app.log": "day 4\n", "app.log.2026-03-02": "day 2\n", "app.log.2026-03-03": "day 3\n"}
	for n, c := range others {
		want[n] = c
	}
	if d := diffFiles(want, dirFiles(t, dir)); d != "" {
		t.Error(d)
	}
}

// The first rollover counts from the existing file's mtime, as in Python.
func TestTimedFirstRolloverFromMtime(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	os.WriteFile(path, []byte("yesterday\n"), 0o644)
	mt := utc("2026-03-01 10:30:00")
	if err := os.Chtimes(path, mt, mt); err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: utc("2026-03-01 11:29:59")}
	f, err := NewTimed(path, TimedOptions{When: "H", UTC: true, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	write(t, f, "before\n")
	clk.Set(utc("2026-03-01 11:30:00")) // mtime + 1h: rolls, named after the interval's start
	write(t, f, "after\n")
	f.Close()
	want := map[string]string{"app.log": "after\n", "app.log.2026-03-01_10": "yesterday\nbefore\n"}
	if d := diffFiles(want, dirFiles(t, dir)); d != "" {
		t.Error(d)
	}
}

func TestTimedNonRegularFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/null")
	}
	clk := &fakeClock{t: utc("2026-03-01 10:00:00")}
	f, err := NewTimed(os.DevNull, TimedOptions{When: "S", Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		clk.Set(clk.Now().Add(5 * time.Second))
		write(t, f, "x\n")
	}
	f.Close()
	if m, _ := filepath.Glob(os.DevNull + ".*"); len(m) != 0 {
		t.Fatalf("/dev/null rotated: %v", m)
	}
}

func TestTimedCompress(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	clk := &fakeClock{t: utc("2026-03-01 10:00:00")}
	f, err := NewTimed(path, TimedOptions{When: "M", UTC: true, BackupCount: 2, Now: clk.Now, Files: Files{Compress: true}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		write(t, f, "minute "+string(rune('0'+i))+"\n")
		clk.Set(clk.Now().Add(time.Minute))
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	files := withoutNamesLock(dirFiles(t, dir))
	if got := strings.Join(keys(files), " "); got != "app.log app.log.2026-03-01_10-01.gz app.log.2026-03-01_10-02.gz" {
		t.Fatalf("files: %s", got)
	}
	if got := gunzip(t, path+".2026-03-01_10-02.gz"); got != "minute 2\n" {
		t.Errorf("backup = %q", got)
	}
}

// Two writers (separate opens, as two processes would have) of one path with Lock: the
// file rotates once per period and the second writer follows the first's rotation.
func TestTimedLockTwoWriters(t *testing.T) {
	if !lockSupported {
		t.Skip("no flock on " + runtime.GOOS)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	clk := &fakeClock{t: utc("2026-03-01 10:00:00")}
	o := TimedOptions{When: "H", UTC: true, Now: clk.Now, Files: Files{Lock: true}}
	a, err := NewTimed(path, o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewTimed(path, o)
	if err != nil {
		t.Fatal(err)
	}
	write(t, a, "a1\n")
	write(t, b, "b1\n")
	clk.Set(utc("2026-03-01 11:00:00"))
	write(t, a, "a2\n") // a rotates
	write(t, b, "b2\n") // b follows into the new file, does not rotate again
	clk.Set(utc("2026-03-01 12:00:00"))
	write(t, b, "b3\n") // b rotates on the shared schedule
	write(t, a, "a3\n")
	a.Close()
	b.Close()
	want := map[string]string{"app.log": "b3\na3\n", "app.log.2026-03-01_10": "a1\nb1\n",
		"app.log.2026-03-01_11": "a2\nb2\n", "app.log.lock": strconv.FormatInt(utc("2026-03-01 13:00:00").Unix(), 10) + "\n"}
	if d := diffFiles(want, dirFiles(t, dir)); d != "" {
		t.Error(d)
	}
}

func TestTimedNamerRotator(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	clk := &fakeClock{t: utc("2026-03-01 10:00:00")}
	var got []string
	f, err := NewTimed(path, TimedOptions{When: "D", UTC: true, BackupCount: 1, Now: clk.Now, Files: Files{
		Namer: func(n string) string { return strings.Replace(n, "app.log.", "app.", 1) + ".log" },
		Rotator: func(src, dst string) error {
			got = append(got, filepath.Base(dst))
			return os.Rename(src, dst)
		}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"2026-03-01 10:00:00", "2026-03-02 10:00:00", "2026-03-03 10:00:00"} {
		clk.Set(utc(d))
		write(t, f, d+"\n")
	}
	f.Close()
	want := map[string]string{"app.log": "2026-03-03 10:00:00\n", "app.2026-03-02.log": "2026-03-02 10:00:00\n"}
	if d := diffFiles(want, dirFiles(t, dir)); d != "" {
		t.Error(d)
	}
	if strings.Join(got, ",") != "app.2026-03-01.log,app.2026-03-02.log" {
		t.Errorf("rotator got %v", got)
	}
}
