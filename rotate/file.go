package rotate

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/slogx/handlers/slogx"
)

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("rotate: file closed")

const defaultPerm = 0o644

// file is what size and time rotation share: the open log file, its size (tracked in memory,
// never stat'ed per write unless Lock is on), the optional cross-process lock, the background
// compressor and the error reporter.
type file struct {
	path string
	perm os.FileMode

	// mu serializes Write, rollover and Close of this value.
	mu sync.Mutex
	// names serializes changes of backup names between the writer and the compressor
	// goroutine; the flock does the same between processes. Order: mu, names, flock.
	names sync.Mutex

	f       *os.File
	id      identity // of f, only with Lock
	size    int64
	regular bool
	closed  bool

	lk       *flock
	compress bool
	bg       worker
	rep      *slogx.Reporter
}

func (b *file) init(path string, perm os.FileMode, lock, compress bool, rep *slogx.Reporter) error {
	if path == "" {
		return errors.New("rotate: empty path")
	}
	b.path = path
	b.perm = perm
	if b.perm == 0 {
		b.perm = defaultPerm
	}
	b.rep = rep
	if lock {
		lk, err := openLock(path, b.perm)
		if err != nil {
			return err
		}
		b.lk = lk
	}
	b.compress = compress
	return nil
}

func (b *file) report(err error) { b.rep.Error(err) }

// open (re)opens the log file for appending and records its size and kind.
func (b *file) open() error {
	f, err := os.OpenFile(b.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, b.perm)
	if err != nil {
		return fmt.Errorf("rotate %s: open: %w", b.path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("rotate %s: stat: %w", b.path, err)
	}
	if b.lk != nil {
		if b.id, err = fileIdentity(f); err != nil {
			f.Close()
			return fmt.Errorf("rotate %s: stat: %w", b.path, err)
		}
	}
	b.f = f
	b.size = fi.Size()
	b.regular = fi.Mode().IsRegular()
	return nil
}

// closeFile closes the current log file, reporting a failure (the data is already written).
func (b *file) closeFile() {
	if b.f == nil {
		return
	}
	if err := b.f.Close(); err != nil {
		b.report(fmt.Errorf("rotate %s: close: %w", b.path, err))
	}
	b.f = nil
}

// lockNames takes the in-process and cross-process name locks.
func (b *file) lockNames() {
	b.names.Lock()
	if b.lk != nil {
		if err := b.lk.lock(); err != nil {
			// Writing on without the lock may rotate twice but loses nothing.
			b.report(err)
		}
	}
}

func (b *file) unlockNames() {
	if b.lk != nil {
		b.lk.unlock()
	}
	b.names.Unlock()
}

// follow, called with the names locked, reopens the log if another process rotated it away
// and refreshes the size, which other processes grow. It reports whether it reopened.
func (b *file) follow() (bool, error) {
	if b.f == nil {
		return true, b.open()
	}
	same, size, err := pathState(b.path, b.id)
	if err != nil {
		return false, fmt.Errorf("rotate %s: stat: %w", b.path, err)
	}
	if same {
		b.size = size
		return false, nil
	}
	b.closeFile()
	return true, b.open()
}

// write writes p to the current file, reopening it first if a failed rollover left none. A
// write that fails leaves no fragment of p behind (see dropPartial) and counts none in size.
func (b *file) write(p []byte) (int, error) {
	if b.f == nil {
		if err := b.open(); err != nil {
			return 0, err
		}
	}
	n, err := b.f.Write(p)
	if err != nil {
		// A record is written whole or not at all: take a fragment back.
		n, err = writeError("rotate "+b.path, b.f, n, err)
	}
	b.size += int64(n)
	return n, err
}

// Sync commits the current file to stable storage.
func (b *file) Sync() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.f == nil || b.closed {
		return nil
	}
	return b.f.Sync()
}

// shutdown closes the file and the lock and waits for background work: no goroutine outlives
// Close, and no rollover is left half done.
func (b *file) shutdown() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	var err error
	if b.f != nil {
		if e := b.f.Close(); e != nil {
			err = fmt.Errorf("rotate %s: close: %w", b.path, e)
		}
		b.f = nil
	}
	b.mu.Unlock()
	b.bg.wait()
	if b.lk != nil {
		if e := b.lk.close(); e != nil && err == nil {
			err = fmt.Errorf("rotate %s: close lock: %w", b.path, e)
		}
	}
	return err
}

// rename moves src to dst, through the user's Rotator when set (Python's rotate()).
func rename(rotator func(src, dst string) error, src, dst string) error {
	if rotator != nil {
		return rotator(src, dst)
	}
	if _, err := os.Lstat(src); errors.Is(err, os.ErrNotExist) {
		return nil // Python: nothing to rotate (delayed open never created it)
	}
	return os.Rename(src, dst)
}

func exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}
