package sinks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/slogx/handlers/slogx"
)

// NewWatchedFile returns Python's WatchedFileHandler: before every record it stats path and,
// if the file was renamed or deleted (by logrotate, say) — its device and inode no longer match
// the open file — it closes the old file and opens path anew, so no record goes to a file that
// nobody will read again. Identity is compared with os.SameFile, which uses device and inode on
// Unix and volume serial and file index on Windows (where an open file usually cannot be renamed
// in the first place). The check costs one stat(2) per record, as in Python.
func NewWatchedFile(path string, fo FileOptions, opts *slogx.Options) (*slogx.Handler, error) {
	fw, err := newFileWriter(path, fo)
	if err != nil {
		return nil, err
	}
	w := &watchedWriter{fw: fw}
	if fw.f != nil {
		if w.info, err = fw.f.Stat(); err != nil {
			fw.Close()
			return nil, fmt.Errorf("sinks: stat %s: %w", path, err)
		}
	}
	return slogx.NewHandler(w, opts), nil
}

type watchedWriter struct {
	fw   *fileWriter
	info fs.FileInfo // identity of the open file
}

func (w *watchedWriter) Write(p []byte) (int, error) {
	if err := w.reopenIfNeeded(); err != nil {
		return 0, err
	}
	return w.fw.Write(p)
}

func (w *watchedWriter) reopenIfNeeded() error {
	if w.fw.f != nil {
		cur, err := os.Stat(w.fw.path)
		if err == nil && os.SameFile(cur, w.info) {
			return nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sinks: stat %s: %w", w.fw.path, err)
		}
		// Renamed away or deleted: close ours, a new file is created below. A close
		// error loses nothing (every record was already written), so it is not returned.
		w.fw.Close()
	}
	if err := w.fw.open(); err != nil {
		return err
	}
	info, err := w.fw.f.Stat()
	if err != nil {
		return fmt.Errorf("sinks: stat %s: %w", w.fw.path, err)
	}
	w.info = info
	return nil
}

func (w *watchedWriter) Sync() error  { return w.fw.Sync() }
func (w *watchedWriter) Close() error { return w.fw.Close() }
