package rotate_test

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/slogx/handlers/rotate"
	"github.com/slogx/handlers/slogx"
	"gopkg.in/natefinch/lumberjack.v2"
)

// list prints the files of dir with their sizes.
func list(dir string) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		fi, _ := e.Info()
		fmt.Printf("%s %d\n", e.Name(), fi.Size())
	}
}

func ExampleNewSize() {
	dir, _ := os.MkdirTemp("", "rotate")
	defer os.RemoveAll(dir)
	f, err := rotate.NewSize(filepath.Join(dir, "app.log"), rotate.SizeOptions{MaxBytes: 100, BackupCount: 2})
	if err != nil {
		panic(err)
	}
	for i := 0; i < 10; i++ {
		fmt.Fprintf(f, "record %d: 28 bytes long....\n", i) // one Write = one record
	}
	f.Close()
	list(dir)
	// Output:
	// app.log 28
	// app.log.1 84
	// app.log.2 84
}

func ExampleNewSizeHandler() {
	dir, _ := os.MkdirTemp("", "rotate")
	defer os.RemoveAll(dir)
	h, err := rotate.NewSizeHandler(filepath.Join(dir, "app.log"),
		rotate.SizeOptions{MaxBytes: 10 << 20, BackupCount: 5, Files: rotate.Files{Compress: true}},
		&slogx.Options{Encoder: slogx.Text(), ReplaceAttr: noTime})
	if err != nil {
		panic(err)
	}
	slog.New(h).Info("hello", "user", "ann")
	h.Close()
	b, _ := os.ReadFile(filepath.Join(dir, "app.log"))
	fmt.Print(string(b))
	// Output:
	// level=INFO msg=hello user=ann
}

// Retention by age, as lumberjack's MaxAge: backups (gzipped ones included) last modified
// more than MaxAge ago are removed when the log is opened and at each rollover.
func ExampleFiles_maxAge() {
	dir, _ := os.MkdirTemp("", "rotate")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.log")
	old := time.Now().Add(-60 * 24 * time.Hour)
	os.WriteFile(path+".2.gz", nil, 0o644) // a backup from two months ago
	os.Chtimes(path+".2.gz", old, old)
	f, err := rotate.NewSize(path, rotate.SizeOptions{MaxBytes: 10 << 20, BackupCount: 5,
		Files: rotate.Files{Compress: true, MaxAge: 30 * 24 * time.Hour}})
	if err != nil {
		panic(err)
	}
	f.Close()
	list(dir) // without Lock, Compress and MaxAge use app.log.lock for renames and removals
	// Output:
	// app.log 0
	// app.log.lock 0
}

func ExampleNewTimed() {
	dir, _ := os.MkdirTemp("", "rotate")
	defer os.RemoveAll(dir)
	now := time.Date(2026, 3, 1, 23, 59, 0, 0, time.UTC)
	f, err := rotate.NewTimed(filepath.Join(dir, "app.log"), rotate.TimedOptions{
		When: "midnight", UTC: true, BackupCount: 7, Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	fmt.Fprintln(f, "late on March 1st")
	now = now.Add(2 * time.Minute)
	fmt.Fprintln(f, "early on March 2nd")
	f.Close()
	list(dir)
	// Output:
	// app.log 19
	// app.log.2026-03-01 18
}

func ExampleNewTimedHandler() {
	dir, _ := os.MkdirTemp("", "rotate")
	defer os.RemoveAll(dir)
	h, err := rotate.NewTimedHandler(filepath.Join(dir, "app.log"),
		rotate.TimedOptions{When: "W0", AtTime: 3 * time.Hour, BackupCount: 4}, nil)
	if err != nil {
		panic(err)
	}
	logger := slog.New(h)
	logger.Info("weekly files, rotated on Mondays at 03:00 local time")
	fmt.Println(h.Stats().Records)
	h.Close()
	// Output:
	// 1
}

func ExampleNextRollover() {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		fmt.Println("no tzdata")
		return
	}
	o := rotate.TimedOptions{When: "MIDNIGHT", AtTime: 2*time.Hour + 30*time.Minute, Location: ny}
	t := time.Date(2024, 3, 9, 12, 0, 0, 0, ny)
	// Like CPython, counted in wall-clock seconds: across the spring-forward night 02:30
	// becomes 03:30 EDT.
	fmt.Println(rotate.NextRollover(o, t))
	// Output:
	// 2024-03-10 03:30:00 -0400 EDT
}

func ExampleLumberjack() {
	dir, _ := os.MkdirTemp("", "rotate")
	defer os.RemoveAll(dir)
	h := rotate.Lumberjack(&lumberjack.Logger{Filename: filepath.Join(dir, "lj.log"), MaxSize: 100, MaxBackups: 3},
		&slogx.Options{Encoder: slogx.Text(), ReplaceAttr: noTime})
	slog.New(h).Warn("still lumberjack underneath")
	h.Close()
	b, _ := os.ReadFile(filepath.Join(dir, "lj.log"))
	fmt.Print(string(b))
	// Output:
	// level=WARN msg="still lumberjack underneath"
}

func noTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
