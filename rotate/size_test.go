package rotate

import (
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestSizeRotationNames(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	f, err := NewSize(path, SizeOptions{MaxBytes: 10, BackupCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"aaaa\n", "bbbb\n", "cccc\n", "dddd\n", "eeee\n"} {
		write(t, f, r)
	}
	f.Close()
	want := map[string]string{"app.log": "eeee\n", "app.log.1": "dddd\n", "app.log.2": "cccc\n"}
	if d := diffFiles(want, dirFiles(t, dir)); d != "" {
		t.Error(d)
	}
}

// MaxBytes 0 or negative never rotates (with MaxBytes and BackupCount 0, Python's other
// "never", NewSize refuses: TestSizeRefusesMaxBytesWithoutBackups).
func TestSizeZeroNeverRotates(t *testing.T) {
	for _, o := range []SizeOptions{{MaxBytes: 0, BackupCount: 3}, {MaxBytes: 0, BackupCount: 0}, {MaxBytes: -1, BackupCount: -1}} {
		dir := t.TempDir()
		f, err := NewSize(filepath.Join(dir, "app.log"), o)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 10; i++ {
			write(t, f, "0123456789\n")
		}
		f.Close()
		if files := dirFiles(t, dir); len(files) != 1 || len(files["app.log"]) != 110 {
			t.Errorf("%+v: files %v", o, files)
		}
	}
}

// A record never rolls an empty file over (CPython 3.13), even when it alone reaches MaxBytes.
func TestSizeOversizedRecordOnEmptyFile(t *testing.T) {
	dir := t.TempDir()
	f, err := NewSize(filepath.Join(dir, "app.log"), SizeOptions{MaxBytes: 4, BackupCount: 3})
	if err != nil {
		t.Fatal(err)
	}
	write(t, f, "0123456789\n")
	write(t, f, "abcdefghij\n")
	f.Close()
	want := map[string]string{"app.log": "abcdefghij\n", "app.log.1": "0123456789\n"}
	if d := diffFiles(want, dirFiles(t, dir)); d != "" {
		t.Error(d)
	}
}

// The size of an existing file counts: appending resumes where the last run stopped.
func TestSizeExistingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	if err := os.WriteFile(path, []byte("12345678\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := NewSize(path, SizeOptions{MaxBytes: 12, BackupCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	write(t, f, "abc\n")
	f.Close()
	want := map[string]string{"app.log": "abc\n", "app.log.1": "12345678\n"}
	if d := diffFiles(want, dirFiles(t, dir)); d != "" {
		t.Error(d)
	}
}

func TestSizeNonRegularFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/null")
	}
	f, err := NewSize(os.DevNull, SizeOptions{MaxBytes: 1, BackupCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		write(t, f, "x\n")
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(os.DevNull + ".1"); err == nil {
		t.Fatalf("%s.1 exists: /dev/null was rotated", os.DevNull)
	}
}

func TestSizeNamerRotator(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var calls []string
	f, err := NewSize(path, SizeOptions{MaxBytes: 6, BackupCount: 2, Files: Files{
		Namer: func(n string) string { return n + ".bak" },
		Rotator: func(src, dst string) error {
			calls = append(calls, filepath.Base(src)+"->"+filepath.Base(dst))
			return os.Rename(src, dst)
		}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"111\n", "222\n", "333\n", "444\n"} {
		write(t, f, r)
	}
	f.Close()
	want := map[string]string{"app.log": "444\n", "app.log.1.bak": "333\n", "app.log.2.bak": "222\n"}
	if d := diffFiles(want, dirFiles(t, dir)); d != "" {
		t.Error(d)
	}
	if strings.Join(calls, ",") != "app.log.rotating->app.log.1.bak,app.log.rotating->app.log.1.bak,app.log.rotating->app.log.1.bak" {
		t.Errorf("rotator calls %v", calls)
	}
}

func TestSizeClosed(t *testing.T) {
	f, err := NewSize(filepath.Join(t.TempDir(), "a.log"), SizeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := f.Write([]byte("x\n")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
}

func TestSizeOpenError(t *testing.T) {
	if _, err := NewSize(filepath.Join(t.TempDir(), "missing", "a.log"), SizeOptions{}); err == nil {
		t.Fatal("no error for a missing directory")
	}
	if _, err := NewSize("", SizeOptions{}); err == nil {
		t.Fatal("no error for an empty path")
	}
}

// A rollover that fails keeps writing to the current file and reports; once the obstacle is
// gone, the next rollover finishes the earlier one first, and nothing is lost.
func TestSizeFailedRolloverKeepsWriting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	// app.log.2 is a non-empty directory: dropping the oldest backup onto it fails.
	mkdir(t, filepath.Join(dir, "app.log.2", "x"))
	var mu sync.Mutex
	var errs []error
	f, err := NewSize(path, SizeOptions{MaxBytes: 8, BackupCount: 2,
		Files: Files{OnError: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }}})
	if err != nil {
		t.Fatal(err)
	}
	write(t, f, "one\n")
	write(t, f, "two\n")   // rolls: app.log.rotating -> app.log.1
	write(t, f, "three\n") // rolls; finishing it fails on app.log.2
	write(t, f, "four\n")  // the earlier rollover cannot finish: no new one, written to app.log
	mu.Lock()
	if len(errs) == 0 {
		t.Fatalf("no error reported")
	}
	mu.Unlock()
	// The failed finish ran on the background worker: let it settle before touching the
	// directory it works in.
	f.bg.wait()
	if err := os.RemoveAll(filepath.Join(dir, "app.log.2")); err != nil {
		t.Fatal(err)
	}
	write(t, f, "five\n") // still below the retry threshold: no attempt
	write(t, f, "six\n")  // MaxBytes more bytes since the failure: finishes the earlier rollover, then rolls
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"app.log": "six\n", "app.log.1": "three\nfour\nfive\n", "app.log.2": "two\n"}
	// "one" was the oldest backup, dropped by BackupCount 2.
	if d := diffFiles(want, dirFiles(t, dir)); d != "" {
		t.Error(d)
	}
}

// Recovery finishes a rename sequence a crash interrupted after app.log.1 moved to .2 and
// before app.log.rotating (the previous base file) moved to .1.
func TestSizeCrashRecovery(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	files := map[string]string{"app.log.rotating": "newest\n", "app.log.2": "older\n", "app.log.3": "oldest\n"}
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := NewSize(path, SizeOptions{MaxBytes: 100, BackupCount: 3})
	if err != nil {
		t.Fatal(err)
	}
	write(t, f, "after\n")
	f.Close()
	want := map[string]string{"app.log": "after\n", "app.log.1": "newest\n", "app.log.2": "older\n", "app.log.3": "oldest\n"}
	if d := diffFiles(want, dirFiles(t, dir)); d != "" {
		t.Error(d)
	}

	// All backups present: the crash came before the shift; finishing drops the oldest.
	dir = t.TempDir()
	path = filepath.Join(dir, "app.log")
	for n, c := range map[string]string{"app.log": "cur\n", "app.log.rotating": "prev\n", "app.log.1": "one\n", "app.log.2": "two\n"} {
		os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644)
	}
	f, err = NewSize(path, SizeOptions{MaxBytes: 100, BackupCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	want = map[string]string{"app.log": "cur\n", "app.log.1": "prev\n", "app.log.2": "one\n"}
	if d := diffFiles(want, dirFiles(t, dir)); d != "" {
		t.Error(d)
	}

	// Without app.log.rotating, a hole is left alone: it may be the user's doing.
	dir = t.TempDir()
	path = filepath.Join(dir, "app.log")
	os.WriteFile(path, []byte("cur\n"), 0o644)
	os.WriteFile(path+".2", []byte("two\n"), 0o644)
	f, err = NewSize(path, SizeOptions{MaxBytes: 100, BackupCount: 3})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	want = map[string]string{"app.log": "cur\n", "app.log.2": "two\n"}
	if d := diffFiles(want, dirFiles(t, dir)); d != "" {
		t.Error(d)
	}
}

func gunzip(t testing.TB, name string) string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSizeCompress(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	f, err := NewSize(path, SizeOptions{MaxBytes: 10, BackupCount: 3, Files: Files{Compress: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"aaaa\n", "bbbb\n", "cccc\n", "dddd\n", "eeee\n", "ffff\n"} {
		write(t, f, r)
	}
	if err := f.Close(); err != nil { // waits for compression
		t.Fatal(err)
	}
	files := withoutNamesLock(dirFiles(t, dir))
	t.Logf("files %v", keys(files))
	if len(files) != 4 || files["app.log"] != "ffff\n" {
		t.Fatalf("files %v", keys(files))
	}
	for i, want := range []string{"eeee\n", "dddd\n", "cccc\n"} {
		if got := gunzip(t, filepath.Join(dir, "app.log."+string(rune('1'+i))+".gz")); got != want {
			t.Errorf("backup %d = %q, want %q", i+1, got, want)
		}
	}
}

// Compression leftovers of a crash: a partial .gz.tmp is removed, an original whose
// complete .gz exists is removed, an uncompressed backup is compressed, and a user's
// app.log.bak next to app.log.bak.gz is not touched.
func TestSizeCompressRecovery(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	gz := func(name, content string) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		zw := gzip.NewWriter(f)
		zw.Write([]byte(content))
		zw.Close()
		f.Close()
	}
	os.WriteFile(path, []byte("cur\n"), 0o644)
	os.WriteFile(path+".1", []byte("one\n"), 0o644)
	gz("app.log.1.gz", "one\n")
	os.WriteFile(path+".1.gz.tmp123", []byte("partial"), 0o644)
	os.WriteFile(path+".2", []byte("two\n"), 0o644)
	os.WriteFile(path+".bak", []byte("mine\n"), 0o644)
	gz("app.log.bak.gz", "mine\n")
	f, err := NewSize(path, SizeOptions{MaxBytes: 100, BackupCount: 3, Files: Files{Compress: true}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	files := withoutNamesLock(dirFiles(t, dir))
	want := []string{"app.log", "app.log.1.gz", "app.log.2.gz", "app.log.bak", "app.log.bak.gz"}
	if strings.Join(keys(files), " ") != strings.Join(want, " ") {
		t.Fatalf("files %v, want %v", keys(files), want)
	}
	if got := gunzip(t, path+".2.gz"); got != "two\n" {
		t.Errorf("app.log.2.gz = %q", got)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

// MaxBytes with BackupCount 0 would never rotate (Python's rule) and fill the disk: NewSize
// and NewSizeHandler refuse it, naming BackupCount, and create nothing.
func TestSizeRefusesMaxBytesWithoutBackups(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	for _, bc := range []int{0, -1} {
		o := SizeOptions{MaxBytes: 1 << 20, BackupCount: bc}
		if _, err := NewSize(path, o); err == nil || !strings.Contains(err.Error(), "set BackupCount") {
			t.Errorf("NewSize BackupCount %d: %v, want an error telling to set BackupCount", bc, err)
		}
		if _, err := NewSizeHandler(path, o, nil); err == nil || !strings.Contains(err.Error(), "set BackupCount") {
			t.Errorf("NewSizeHandler BackupCount %d: %v, want an error telling to set BackupCount", bc, err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("refused, yet created %d files", len(ents))
	}
	// MaxBytes 0 never rotates, whatever BackupCount: the zero value stays valid.
	f, err := NewSize(path, SizeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}
