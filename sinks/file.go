package sinks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/slogx/handlers/internal/wholefile"
	"github.com/slogx/handlers/slogx"
)

// FileOptions configures NewFile and NewWatchedFile. The zero value appends to the file,
// creating it with mode 0644 — Python's FileHandler(filename) defaults.
type FileOptions struct {
	// Append opens the file for appending, Python's mode "a". It is the default; it is here
	// for symmetry with Python and is an error together with Truncate.
	Append bool
	// Truncate empties the file on open, Python's mode "w".
	Truncate bool
	// Delay opens the file on the first record instead of at construction, Python's delay.
	// With Delay, a file that cannot be opened is reported when logging, not here.
	Delay bool
	// Perm is the mode of a newly created file; zero means 0644.
	Perm fs.FileMode
	// Sync calls fsync after every record: a record that was handled survives a crash of
	// the machine, at the cost of one disk flush per record.
	Sync bool
}

// NewFile returns a handler appending records to the file at path: Python's FileHandler.
// Without Delay the file is opened now and an error opening it is returned. Each record is one
// write(2) on an O_APPEND descriptor, so several processes may append to one file without
// tearing each other's lines (for records up to the size the kernel writes atomically).
//
// A record is written whole or not at all: when a write fails part-way (a full disk, a file
// size limit), the fragment is truncated away before the error is returned (see dropPartial
// for the one case where it is left), so the next record starts a line of its own.
func NewFile(path string, fo FileOptions, opts *slogx.Options) (*slogx.Handler, error) {
	f, err := newFileWriter(path, fo)
	if err != nil {
		return nil, err
	}
	return slogx.NewHandler(f, opts), nil
}

// fileWriter is a lazily opened file; the Handler's mutex serializes its use.
type fileWriter struct {
	path  string
	flags int
	perm  fs.FileMode
	sync  bool
	f     *os.File
}

func newFileWriter(path string, fo FileOptions) (*fileWriter, error) {
	if fo.Append && fo.Truncate {
		return nil, fmt.Errorf("sinks: file %s: Append and Truncate are exclusive", path)
	}
	w := &fileWriter{path: path, flags: os.O_WRONLY | os.O_CREATE | os.O_APPEND, perm: fo.Perm, sync: fo.Sync}
	if fo.Truncate {
		w.flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	if w.perm == 0 {
		w.perm = 0o644
	}
	if !fo.Delay {
		if err := w.open(); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *fileWriter) open() error {
	f, err := os.OpenFile(w.path, w.flags, w.perm)
	if err != nil {
		return fmt.Errorf("sinks: open %s: %w", w.path, err)
	}
	w.f = f
	// Truncate once: a file reopened later (watched file, after Close) must not lose what
	// this process already wrote.
	w.flags = w.flags&^os.O_TRUNC | os.O_APPEND
	return nil
}

func (w *fileWriter) Write(p []byte) (int, error) {
	if w.f == nil {
		if err := w.open(); err != nil {
			return 0, err
		}
	}
	n, err := w.f.Write(p)
	if err != nil {
		// A record is written whole or not at all: a fragment would glue the next record
		// onto it, and a line reader would lose that one too.
		return wholefile.WriteError("sinks: write "+w.path, w.f, n, err)
	}
	if w.sync {
		if err := w.f.Sync(); err != nil {
			return n, fmt.Errorf("sinks: fsync %s: %w", w.path, err)
		}
	}
	return n, nil
}

func (w *fileWriter) Sync() error {
	if w.f == nil {
		return nil
	}
	return w.f.Sync()
}

func (w *fileWriter) Close() error {
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	if err != nil && !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("sinks: close %s: %w", w.path, err)
	}
	return nil
}
