package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

func demoSinks(out io.Writer, dir string) error {
	path := filepath.Join(dir, "app.log")
	file, err := sinks.NewFile(path, sinks.FileOptions{}, &slogx.Options{Encoder: slogx.Text()})
	if err != nil {
		return err
	}
	slog.New(file).Info("to a plain file", "path", path)
	if err := file.Close(); err != nil {
		return err
	}

	wpath := filepath.Join(dir, "watched.log")
	watched, err := sinks.NewWatchedFile(wpath, sinks.FileOptions{}, &slogx.Options{Encoder: slogx.Text()})
	if err != nil {
		return err
	}
	wl := slog.New(watched)
	wl.Info("before logrotate")
	if err := os.Rename(wpath, wpath+".1"); err != nil {
		return err
	}
	wl.Info("after logrotate: the handler noticed the rename and reopened the path")
	if err := watched.Close(); err != nil {
		return err
	}

	null := slog.New(sinks.Null())
	null.Info("this is never even formatted")

	for _, p := range []string{path, wpath + ".1", wpath} {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "-- %s:\n%s", filepath.Base(p), b)
	}
	fmt.Fprintf(out, "-- Null: Enabled(ERROR) = %v, so nothing is built or written\n", null.Enabled(context.Background(), slog.LevelError))
	fmt.Fprintf(out, "-- stats: file %+v, watched %+v\n", file.Stats(), watched.Stats())
	return nil
}
