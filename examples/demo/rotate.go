package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/slogx/handlers/rotate"
	"github.com/slogx/handlers/slogx"
)

// demoRotate shows size rotation with gzip backups, time rotation on an injected clock (and a
// backup name that already exists, kept instead of deleted), and the cross-process lock, all
// under dir.
func demoRotate(out io.Writer, dir string) error {
	// Size: 2 KB files, 3 gzipped backups.
	sizeDir := filepath.Join(dir, "rotate-size")
	if err := os.MkdirAll(sizeDir, 0o755); err != nil {
		return err
	}
	h, err := rotate.NewSizeHandler(filepath.Join(sizeDir, "app.log"),
		rotate.SizeOptions{MaxBytes: 2 << 10, BackupCount: 3, Files: rotate.Files{Compress: true}}, nil)
	if err != nil {
		return err
	}
	logger := slog.New(h)
	for i := 0; i < 60; i++ {
		logger.Info("order shipped", "order", 1000+i, "carrier", "ups")
	}
	if err := h.Close(); err != nil { // waits for background compression
		return err
	}
	fmt.Fprintf(out, "rotate: size rotation, 60 records, MaxBytes 2048, BackupCount 3, Compress (stats %+v):\n", h.Stats())
	if err := listDir(out, sizeDir); err != nil {
		return err
	}

	// Time: midnight rotation in UTC on a clock we move by hand. A stale backup with
	// tomorrow's name is already there: Python would delete it; we keep it.
	timedDir := filepath.Join(dir, "rotate-timed")
	if err := os.MkdirAll(timedDir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(timedDir, "app.log")
	if err := os.WriteFile(path+".2026-03-02", []byte("someone else's data\n"), 0o644); err != nil {
		return err
	}
	now := time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC)
	th, err := rotate.NewTimedHandler(path, rotate.TimedOptions{When: "midnight", UTC: true, BackupCount: 7,
		Now: func() time.Time { return now }}, &slogx.Options{Encoder: slogx.Text()})
	if err != nil {
		return err
	}
	tl := slog.New(th)
	for day := 0; day < 3; day++ {
		tl.Info("nightly job done", "day", day+1)
		now = now.Add(24 * time.Hour)
	}
	th.Close()
	fmt.Fprintf(out, "rotate: midnight rotation over 3 days (next rollover after %s: %s):\n",
		now.Format(time.DateOnly), rotate.NextRollover(rotate.TimedOptions{When: "midnight", UTC: true}, now).Format(time.DateTime))
	if err := listDir(out, timedDir); err != nil {
		return err
	}

	// Lock: two writers of one path (as two processes would be) rotate it once per threshold.
	lockDir := filepath.Join(dir, "rotate-locked")
	if err := os.MkdirAll(lockDir, 0o755); err != nil {
		return err
	}
	o := rotate.SizeOptions{MaxBytes: 1 << 10, BackupCount: 10, Files: rotate.Files{Lock: true}}
	a, err := rotate.NewSize(filepath.Join(lockDir, "app.log"), o)
	if err != nil {
		fmt.Fprintf(out, "rotate: Lock unavailable here: %v\n", err)
		return nil
	}
	b, err := rotate.NewSize(filepath.Join(lockDir, "app.log"), o)
	if err != nil {
		a.Close()
		return err
	}
	for i := 0; i < 50; i++ {
		fmt.Fprintf(a, "writer A line %02d ...........\n", i)
		fmt.Fprintf(b, "writer B line %02d ...........\n", i)
	}
	a.Close()
	b.Close()
	fmt.Fprintln(out, "rotate: two locked writers, 100 lines of 30 bytes, MaxBytes 1024:")
	return listDir(out, lockDir)
}

// listDir prints each file of dir with its size and line count (of the gunzipped content).
func listDir(out io.Writer, dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		full := filepath.Join(dir, n)
		fi, err := os.Stat(full)
		if err != nil {
			return err
		}
		var r io.Reader
		f, err := os.Open(full)
		if err != nil {
			return err
		}
		r = f
		if filepath.Ext(n) == ".gz" {
			zr, err := gzip.NewReader(f)
			if err != nil {
				f.Close()
				return err
			}
			r = zr
		}
		b, err := io.ReadAll(r)
		f.Close()
		if err != nil {
			return err
		}
		lines := 0
		for _, c := range b {
			if c == '\n' {
				lines++
			}
		}
		fmt.Fprintf(out, "  %-26s %6d bytes %4d lines\n", n, fi.Size(), lines)
	}
	return nil
}
