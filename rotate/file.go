package rotate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/slogx/handlers/internal/wholefile"
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
	fi      os.FileInfo // of f; changed with the names locked too, since the compressor reads it
	id      identity    // of f, only with Lock
	size    int64
	regular bool
	closed  bool

	lk       *flock
	run      lockRun // with lk: the flock held across a run of writes (see lockrun.go)
	compress bool
	bg       worker
	rep      *slogx.Reporter

	// openHook, when set, opens the log instead of os.OpenFile: tests make opening fail.
	openHook func(name string, flag int, perm os.FileMode) (*os.File, error)
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
	h, err := b.openFile()
	if err != nil {
		return err
	}
	b.adopt(h)
	return nil
}

// handle is an opened log file and what is known of it, before it becomes the current one.
type handle struct {
	f  *os.File
	fi os.FileInfo
	id identity
}

// openFile opens path for appending without touching the current file.
func (b *file) openFile() (handle, error) {
	open := b.openHook
	if open == nil {
		open = os.OpenFile
	}
	f, err := open(b.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, b.perm)
	if err != nil {
		return handle{}, fmt.Errorf("rotate %s: open: %w", b.path, err)
	}
	h := handle{f: f}
	if h.fi, err = f.Stat(); err != nil {
		f.Close()
		return handle{}, fmt.Errorf("rotate %s: stat: %w", b.path, err)
	}
	if b.lk != nil {
		if h.id, err = fileIdentity(f); err != nil {
			f.Close()
			return handle{}, fmt.Errorf("rotate %s: stat: %w", b.path, err)
		}
	}
	return h, nil
}

// adopt makes h the current file.
func (b *file) adopt(h handle) {
	b.f, b.fi, b.id = h.f, h.fi, h.id
	b.size = h.fi.Size()
	b.regular = h.fi.Mode().IsRegular()
}

// reopen opens path anew and only then closes the current file: when path cannot be opened
// (its directory is gone, say), records go on to the current file.
func (b *file) reopen() error {
	if b.f == nil {
		return b.open()
	}
	h, err := b.openFile()
	if err != nil {
		return err
	}
	b.closeFile()
	b.adopt(h)
	return nil
}

// atPath reports whether path still names the current file. Another process's rollover, or a
// user moving the file, makes it false; so does a path that no longer exists.
func (b *file) atPath() (bool, error) {
	cur, err := os.Stat(b.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("rotate %s: stat: %w", b.path, err)
	}
	return os.SameFile(cur, b.fi), nil
}

// reopenIfMoved, with the names locked, reopens path when it no longer names the current file
// and reports whether it did. Without Lock this is how a process notices that another one
// rotated the file: it writes on to the new file instead of rotating a second time. (With Lock,
// follow does the same on every write.)
func (b *file) reopenIfMoved() (bool, error) {
	same, err := b.atPath()
	if err != nil || same {
		return false, err
	}
	return true, b.reopen()
}

// replace moves the current file away from path with move and opens a new file at path. The
// current file stays open until the new one exists (Unix renames open files), so that a
// record always has a file to go to:
//
//   - move fails and the file is still at path: nothing changed, records go on to it;
//   - the new file cannot be opened: undo (when not nil) moves the file back, and records go on
//     to the current file under its old name or, if undo fails too, under its new one, where
//     they are part of a backup: nothing is lost either way;
//   - move fails but the file did leave path (a Rotator that moved it, then failed): the new
//     file is opened and move's error returned.
//
// Where open files cannot be renamed (Windows) the file is closed first, and if path cannot be
// opened afterwards, Write opens it again for each record until it can.
func (b *file) replace(move, undo func() error) error {
	if !renameOpenFiles {
		b.closeFile()
		err := move()
		if oerr := b.open(); oerr != nil {
			err = errors.Join(err, oerr)
		}
		return err
	}
	merr := move()
	if merr != nil {
		if same, serr := b.atPath(); serr != nil || same {
			return merr
		}
	}
	h, err := b.openFile()
	if err != nil {
		if merr == nil && undo != nil {
			if uerr := undo(); uerr != nil {
				err = errors.Join(err, fmt.Errorf("move back: %w", uerr))
			}
		}
		return errors.Join(merr, err)
	}
	b.closeFile()
	b.adopt(h)
	return merr
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

// lockNames takes the in-process and cross-process name locks. While a run of writes holds
// the flock, it is ours already: only the mutex is taken.
func (b *file) lockNames() {
	b.names.Lock()
	if b.lk != nil && !b.run.held {
		if err := b.lk.lock(); err != nil {
			// Writing on without the lock may rotate twice but loses nothing.
			b.report(err)
		}
	}
}

func (b *file) unlockNames() {
	if b.lk != nil && !b.run.held {
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
	return true, b.reopen()
}

// write writes p to the current file, reopening it first if a failed rollover left none. A
// write that fails leaves no fragment of p behind (see dropPartial) and counts none in size.
// It is called without the names locked (writeNamesHeld is the Lock path's).
func (b *file) write(p []byte) (int, error) {
	if b.f == nil {
		b.lockNames() // the compressor reads which file is current
		err := b.open()
		b.unlockNames()
		if err != nil {
			return 0, err
		}
	}
	return b.writeOpen(p)
}

// writeNamesHeld is write for the Lock path, whose caller holds the names already (lockWrite):
// taking them again would deadlock when a failed reopen left no current file.
func (b *file) writeNamesHeld(p []byte) (int, error) {
	if b.f == nil {
		if err := b.open(); err != nil {
			return 0, err
		}
	}
	return b.writeOpen(p)
}

// writeOpen writes p to the open current file.
func (b *file) writeOpen(p []byte) (int, error) {
	n, err := b.f.Write(p)
	if err != nil {
		// A record is written whole or not at all: take a fragment back.
		n, err = wholefile.WriteError("rotate "+b.path+": write", b.f, n, err)
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
	b.endRun() // the background work below takes the flock for itself
	b.mu.Unlock()
	b.bg.wait()
	if b.lk != nil {
		if e := b.lk.close(); e != nil && err == nil {
			err = fmt.Errorf("rotate %s: close lock: %w", b.path, e)
		}
	}
	return err
}

// rename moves src to dst, through the user's Rotator when set (Python's rotate()), else
// without ever replacing dst (see renameNoReplace): a backup is never renamed over, even by
// another process rotating the same file without Lock.
func rename(rotator func(src, dst string) error, src, dst string) error {
	if rotator != nil {
		return rotator(src, dst)
	}
	err := renameNoReplace(src, dst)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Lstat(src); errors.Is(serr, fs.ErrNotExist) {
			return nil // Python: nothing to rotate (or another process moved it first)
		}
	}
	return err
}

func exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}
