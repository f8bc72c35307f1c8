package rotate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"

	"github.com/slogx/handlers/slogx"
)

// SizeOptions configure size rotation, Python's RotatingFileHandler. The zero value never
// rotates (Python's maxBytes=0).
//
//	rotate.SizeOptions{MaxBytes: 10 << 20, BackupCount: 5, Files: rotate.Files{Compress: true}}
type SizeOptions struct {
	// MaxBytes is the size a file may not reach: before a record is written, the file is
	// rolled over if it is non-empty and size+len(record) >= MaxBytes (CPython 3.13's rule;
	// 3.11 also rolls over an empty file). Zero (or negative) never rotates.
	MaxBytes int64

	// BackupCount is how many backups path.1 .. path.N are kept, .1 the newest; the oldest
	// is deleted when a new one is made. It must be positive when MaxBytes is: Python's
	// RotatingFileHandler never rotates with backupCount 0, which fills the disk of anyone
	// expecting lumberjack's behaviour, so NewSize refuses it (config keeps Python's rule for
	// dictConfig documents).
	BackupCount int

	// Files holds the options size and time rotation share (Compress, MaxAge, Lock, ...).
	Files
}

// SizeFile is an io.WriteCloser that appends to path and rotates it by size. Each Write is
// one record: a record is never split across files. It is safe for concurrent use.
//
// A rollover renames the base file to path + ".rotating" and opens a new one; shifting the
// backups (.1 to .2, ...) and renaming path.rotating to .1 happens on a background goroutine
// (without Lock), so Write pays a rename, an open and a close. Until it is done, path.rotating
// holds the previous file; Close waits for it. No rename replaces an existing name.
//
// A rollover that fails (a rename error, a directory that became read-only or vanished) is
// reported and the record is written to the current file, which stays open until a new one
// exists (on Windows, which cannot rename open files, it is closed first); the next attempt
// comes after MaxBytes more bytes.
//
// Without Lock several processes may still write one path: a process that finds the path
// rotated by another reopens it instead of rotating again, and since no rename replaces a
// name, no line is lost. What Lock adds is exact sizes: without it each process counts only
// its own bytes between rollovers, so files grow past MaxBytes, and a race may rotate a file
// early (a small backup). Keep BackupCount large enough for what the processes write in all: a
// process that has not noticed a rollover yet appends to the file that became a backup
// (Compress and MaxAge wait for it to let go, see Files.Lock; dropping the oldest backup does
// not). When the background part fails, path.rotating stays until the next rollover or open
// finishes it. A write that fails is returned, and leaves no part of its record in the file: a
// record is written whole or not at all (a full disk's fragment is truncated away, so the next
// record starts its own line).
//
// Crash recovery: path.rotating is the only intermediate state. Finding it, NewSize (and the
// next rollover) finishes the sequence: it finds the first missing backup index k (where an
// interrupted shift stopped), shifts backups 1..k-1 up by one and renames path.rotating to .1;
// with no index missing it drops the oldest, as a rollover does. Where an index was already
// missing before (deleted by hand), this fills the gap instead of deleting the oldest backup
// as Python would. With Compress, NewSize also removes the partial .gz.tmp files no live
// compression holds, removes a backup whose complete .gz exists, and queues uncompressed
// backups. With MaxAge, it removes the backups older than MaxAge.
type SizeFile struct {
	file
	o       SizeOptions
	rotates bool
	retryAt int64 // after a failed rollover, no new attempt below this size
}

// NewSize opens (creating or appending to) path for size rotation. MaxBytes with a
// BackupCount of zero is an error (see SizeOptions). A rollover left half-done by a crash is
// finished first; if that fails, the failure is reported through o.OnError (the
// log stays usable, so it is not returned).
func NewSize(path string, o SizeOptions) (*SizeFile, error) {
	return newSize(path, o, slogx.NewReporter(o.OnError))
}

// newSize is NewSize reporting through rep, which NewSizeHandler makes the handler's own so
// that even the failures found while opening reach Options.OnError and Stats.
func newSize(path string, o SizeOptions, rep *slogx.Reporter) (*SizeFile, error) {
	if o.MaxBytes > 0 && o.BackupCount <= 0 {
		return nil, fmt.Errorf("rotate %s: MaxBytes %d with BackupCount %d would never rotate "+
			"(Python's rule) and fill the disk: set BackupCount, the number of backups to keep",
			path, o.MaxBytes, o.BackupCount)
	}
	s := &SizeFile{o: o, rotates: o.MaxBytes > 0 && o.BackupCount > 0}
	if err := s.init(path, o.Files, rep); err != nil {
		return nil, err
	}
	s.locate = s.locateSlot
	s.lockNames()
	err := s.recover()
	if err != nil {
		s.report(err) // the log is still usable: report and go on
	}
	err = s.open()
	if err == nil {
		if xerr := s.expire(s.backupNames()); xerr != nil {
			s.report(xerr)
		}
	}
	s.unlockNames()
	if err != nil {
		s.closeLocks()
		return nil, err
	}
	s.queueUncompressed()
	return s, nil
}

// Write writes p as one record, rolling the file over first if p would make it reach
// MaxBytes. It never allocates on the path without Lock or rollover.
func (s *SizeFile) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, ErrClosed
	}
	if s.lk != nil {
		return s.writeLocked(p)
	}
	if s.due(len(p)) {
		s.lockNames()
		s.rollover(len(p))
		s.unlockNames()
	}
	return s.write(p)
}

// writeLocked is Write with Lock. Only the first write of a run follows the path: within a run
// no other process can have touched it (see lockrun.go).
func (s *SizeFile) writeLocked(p []byte) (int, error) {
	fresh := s.lockWrite()
	defer s.unlockWrite()
	if fresh {
		if _, err := s.follow(); err != nil {
			s.report(err)
		}
	}
	if s.due(len(p)) {
		s.rollover(len(p))
	}
	return s.writeNamesHeld(p)
}

func (s *SizeFile) due(n int) bool {
	return s.rotates && s.regular && s.size > 0 && s.size+int64(n) >= s.o.MaxBytes && s.size >= s.retryAt
}

// Close closes the file and waits for background work (shifting backups, compression) to
// finish. It is idempotent.
func (s *SizeFile) Close() error { return s.shutdown() }

// name returns the name of backup i.
func (s *SizeFile) name(i int) string {
	n := s.path + "." + strconv.Itoa(i)
	if s.o.Namer != nil {
		n = s.o.Namer(n)
	}
	return n
}

// pending is where a rollover parks the base file until the backups are shifted: finding it
// means a rollover is unfinished.
func (s *SizeFile) pending() string { return s.path + ".rotating" }

// rollover, with the names locked, moves the base file to pending() and opens a new one; the
// backups are shifted and pending() becomes .1 on the background goroutine (on this one with
// Lock, so that the flock covers the whole sequence). The base file stays open until the new
// one exists (see file.replace): on failure, rollover reports, records go on to the base file,
// and the next attempt comes after MaxBytes more bytes. n is the size of the record to write.
//
// Without Lock, other processes may rotate the same path. Before rotating, a process checks
// that path still names its file; if not, another process rotated it, and this one reopens
// path instead of rotating again (and rotates that file only if it is due too). The renames
// never replace an existing name, so a rollover racing another process's fails (it is
// retried, not reported) rather than renaming one file over another: nothing is lost, though
// a race the check cannot see may rotate a file early, leaving a small backup.
func (s *SizeFile) rollover(n int) {
	if s.lk == nil {
		moved, err := s.reopenIfMoved()
		if err != nil {
			s.rolloverFailed(err)
			return
		}
		if moved && !s.due(n) {
			return
		}
	}
	// A previous rollover whose background part failed, or has not run yet, goes first.
	if err := s.finishPending(); err != nil {
		s.rolloverFailed(err)
		return
	}
	pending := s.pending()
	err := s.replace(
		func() error { return renameNoReplace(s.path, pending) },
		func() error { return renameNoReplace(pending, s.path) })
	if err != nil {
		if s.lk == nil && (errors.Is(err, fs.ErrExist) || errors.Is(err, fs.ErrNotExist)) {
			// Another process is rotating: it parked its file at pending(), or path is gone
			// until it opens the new one. Follow it; the next record tries again if due.
			if _, rerr := s.reopenIfMoved(); rerr == nil {
				return
			}
		}
		s.rolloverFailed(err)
		return
	}
	s.retryAt = 0
	if s.lk != nil || !s.bg.add(&s.file, s.finishJob) {
		if err := s.finishRollover(); err != nil {
			s.report(err)
		}
	}
}

func (s *SizeFile) rolloverFailed(err error) {
	s.retryAt = s.size + s.o.MaxBytes
	s.report(fmt.Errorf("rotate %s: rollover: %w", s.path, err))
}

// finishJob is finishRollover for the background goroutine.
func (s *SizeFile) finishJob() error {
	s.lockNames()
	defer s.unlockNames()
	return s.finishRollover()
}

// finishRollover, with the names locked, completes a rollover (finishPending) and removes the
// backups older than MaxAge.
func (s *SizeFile) finishRollover() error {
	var errs []error
	if err := s.finishPending(); err != nil {
		errs = append(errs, fmt.Errorf("rotate %s: rollover: %w", s.path, err))
	}
	errs = append(errs, s.expire(s.backupNames()))
	return errors.Join(errs...)
}

// backupNames lists every name a backup may have, plain and gzipped, newest first.
func (s *SizeFile) backupNames() []string {
	if s.maxAge <= 0 {
		return nil
	}
	names := make([]string, 0, 2*s.o.BackupCount)
	for i := 1; i <= s.o.BackupCount; i++ {
		n := s.name(i)
		for _, ext := range slotExts {
			names = append(names, n+ext)
		}
	}
	return names
}

// finishPending completes a rollover, with the names locked: if pending() exists, the
// backups below the first missing index move up one (with none missing, the oldest is
// dropped and all move up, as Python does) and pending() becomes .1. After a crash at any
// point of the sequence, the first missing index is exactly where the shift stopped, so the
// same step finishes it. No rename replaces a name: without Lock, a process racing another one
// here gets an error (reported; pending() stays for the next rollover) instead of renaming
// one backup over another.
func (s *SizeFile) finishPending() error {
	if !exists(s.pending()) {
		return nil
	}
	n := s.o.BackupCount
	top := 0
	for k := 1; k <= n; k++ {
		if !s.slotUsed(k) {
			top = k
			break
		}
	}
	if top == 0 {
		if err := s.clearSlot(n); err != nil {
			return fmt.Errorf("drop oldest backup: %w", err)
		}
		top = n
	}
	for i := top - 1; i >= 1; i-- {
		if err := s.moveSlot(i); err != nil {
			return fmt.Errorf("shift backups: %w", err)
		}
	}
	if err := rename(s.o.Rotator, s.pending(), s.name(1)); err != nil {
		return fmt.Errorf("rename %s to %s: %w", s.pending(), s.name(1), err)
	}
	if s.compress {
		s.queueCompress(s.name(1))
	}
	return nil
}

// slotExts are the forms a backup takes: plain, or gzipped by Compress.
var slotExts = [...]string{"", ".gz"}

func (s *SizeFile) slotUsed(i int) bool {
	n := s.name(i)
	return exists(n) || exists(n+".gz")
}

func (s *SizeFile) clearSlot(i int) error {
	n := s.name(i)
	for _, ext := range slotExts {
		if err := os.Remove(n + ext); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// moveSlot renames backup i (plain and/or gzipped) to i+1, which must be free.
func (s *SizeFile) moveSlot(i int) error {
	src, dst := s.name(i), s.name(i+1)
	for _, ext := range slotExts {
		if exists(src + ext) {
			if err := renameNoReplace(src+ext, dst+ext); err != nil {
				return err
			}
		}
	}
	return nil
}

// recover finishes what a crash interrupted (see SizeFile), with the names locked.
func (s *SizeFile) recover() error {
	var errs []error
	if s.rotates {
		errs = append(errs, s.finishPending())
	}
	if s.compress {
		errs = append(errs, cleanCompressLeftovers(s.path, s.isBackup))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("rotate %s: recover: %w", s.path, err)
	}
	return nil
}

func (s *SizeFile) isBackup(name string) bool {
	for i := 1; i <= s.o.BackupCount; i++ {
		if name == s.name(i) {
			return true
		}
	}
	return false
}

// locateSlot finds the backup that is fi (file.locate): backups shift while they wait.
func (s *SizeFile) locateSlot(_ string, fi os.FileInfo) (string, bool) {
	for i := 1; i <= s.o.BackupCount; i++ {
		if n := s.name(i); sameAt(n, fi) {
			return n, true
		}
	}
	return "", false
}

func (s *SizeFile) queueUncompressed() {
	if !s.compress {
		return
	}
	s.lockNames()
	defer s.unlockNames()
	for i := 1; i <= s.o.BackupCount; i++ {
		if n := s.name(i); exists(n) {
			s.queueCompress(n)
		}
	}
}
