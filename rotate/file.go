package rotate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

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

	// Without Lock but with Compress or MaxAge (where flock exists), nl is the flock on
	// path + ".lock" taken for name changes only (not for writes), and shared is true: the
	// current file is held with a shared flock, and a backup is compressed or removed only
	// under an exclusive one (see holdShared), so never while a writer may still append to it.
	nl     *flock
	shared bool

	maxAge time.Duration
	now    func() time.Time

	// locate finds, with the names locked, the backup that is the file fi (src, when not
	// empty, is where it was last seen): backups move and retention removes them.
	locate func(src string, fi os.FileInfo) (string, bool)

	// openHook, when set, opens the log instead of os.OpenFile: tests make opening fail.
	openHook func(name string, flag int, perm os.FileMode) (*os.File, error)
}

func (b *file) init(path string, o Files, rep *slogx.Reporter) error {
	if path == "" {
		return errors.New("rotate: empty path")
	}
	b.path = path
	b.perm = o.Perm
	if b.perm == 0 {
		b.perm = defaultPerm
	}
	b.rep = rep
	b.compress = o.Compress
	b.maxAge = o.MaxAge
	b.now = o.now
	if b.now == nil {
		b.now = time.Now
	}
	switch {
	case o.Lock:
		lk, err := openLock(path, b.perm)
		if err != nil {
			return err
		}
		b.lk = lk
	case lockSupported && (o.Compress || o.MaxAge > 0):
		nl, err := openLock(path, b.perm)
		if err != nil {
			return err
		}
		b.nl, b.shared = nl, true
	}
	return nil
}

// closeLocks closes the flock files, if any.
func (b *file) closeLocks() error {
	var err error
	for _, l := range []*flock{b.lk, b.nl} {
		if l != nil {
			if e := l.close(); e != nil && err == nil {
				err = fmt.Errorf("rotate %s: close lock: %w", b.path, e)
			}
		}
	}
	return err
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
	var f *os.File
	var err error
	for try := 0; ; try++ {
		f, err = open(b.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, b.perm)
		if err != nil {
			return handle{}, fmt.Errorf("rotate %s: open: %w", b.path, err)
		}
		if !b.shared {
			break
		}
		held, herr := holdShared(f, b.path)
		if herr != nil {
			f.Close()
			return handle{}, fmt.Errorf("rotate %s: open: %w", b.path, herr)
		}
		if held {
			break
		}
		// Rotated away between the open and the lock: the new file is at path.
		f.Close()
		if try == 100 {
			return handle{}, fmt.Errorf("rotate %s: open: the file kept being rotated away", b.path)
		}
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
	old := b.fi
	b.closeFile()
	b.adopt(h)
	b.letGo(old)
	return nil
}

// letGo, with the names locked, queues for compression the file fi that this process stopped
// writing to after another one had made it a backup: without Lock, a compression that
// found it still held left it to the last writer that lets it go.
func (b *file) letGo(fi os.FileInfo) {
	if !b.shared || !b.compress || fi == nil {
		return
	}
	if name, ok := b.locate("", fi); ok {
		b.queueCompress(name)
	}
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
	if l := b.namesFlock(); l != nil && !b.run.held {
		if err := l.lock(); err != nil {
			// Writing on without the lock may rotate twice but loses nothing.
			b.report(err)
		}
	}
}

func (b *file) unlockNames() {
	if l := b.namesFlock(); l != nil && !b.run.held {
		l.unlock()
	}
	b.names.Unlock()
}

// namesFlock is the flock that guards name changes across processes: Lock's, or without Lock
// the names-only one (nil when there is neither).
func (b *file) namesFlock() *flock {
	if b.lk != nil {
		return b.lk
	}
	return b.nl
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
	if b.shared && b.compress && b.fi != nil {
		// If another process made our file a backup, we were maybe the last writer holding it.
		b.lockNames()
		same, serr := b.atPath()
		old := b.fi
		b.fi = nil
		if serr == nil && !same {
			b.letGo(old)
		}
		b.unlockNames()
	}
	b.mu.Unlock()
	b.bg.wait()
	if e := b.closeLocks(); e != nil && err == nil {
		err = e
	}
	return err
}

// expire removes, with the names locked, those of the backups named in candidates whose
// modification time is more than maxAge ago; never the current file and, with shared, never
// a file a writer still holds (it is removed at a later rollover).
func (b *file) expire(candidates []string) error {
	if b.maxAge <= 0 {
		return nil
	}
	cutoff := b.now().Add(-b.maxAge)
	var errs []error
	for _, n := range candidates {
		fi, err := os.Lstat(n)
		if err != nil || !fi.Mode().IsRegular() || !fi.ModTime().Before(cutoff) {
			continue
		}
		if b.fi != nil && os.SameFile(fi, b.fi) {
			continue // a failed rollover left the current file under a backup name
		}
		if err := b.removeUnheld(n, fi); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("rotate %s: remove backups older than MaxAge: %w", b.path, err)
	}
	return nil
}

// removeUnheld removes the backup name, which is the file fi, unless a writer holds it
// (shared only).
func (b *file) removeUnheld(name string, fi os.FileInfo) error {
	if !b.shared {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	f, err := openToLock(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	defer f.Close()
	held, err := holdExclusive(f)
	if err != nil || !held {
		return err
	}
	if st, err := f.Stat(); err != nil || !os.SameFile(st, fi) {
		return err
	}
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
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

// openToLock opens name to read it and flock it: read-write where it may, since NFS emulates
// flock with byte-range locks, which refuse an exclusive lock on a descriptor opened
// read-only.
func openToLock(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil && errors.Is(err, fs.ErrPermission) {
		return os.Open(name)
	}
	return f, err
}
