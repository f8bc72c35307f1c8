package rotate

import (
	"errors"
	"fmt"
	"os"
	"strconv"
)

// SizeOptions configure size rotation, Python's RotatingFileHandler. The zero value never
// rotates (Python's maxBytes=0).
type SizeOptions struct {
	// MaxBytes is the size a file may not reach: before a record is written, the file is
	// rolled over if it is non-empty and size+len(record) >= MaxBytes (CPython 3.13's rule;
	// 3.11 also rolls over an empty file). Zero (or negative) never rotates.
	MaxBytes int64

	// BackupCount is how many backups path.1 .. path.N are kept, .1 the newest; the oldest
	// is deleted when a new one is made. Zero (or negative) never rotates, as in Python.
	BackupCount int

	// Namer, when set, maps a default backup name ("app.log.3") to the name used, as
	// Python's BaseRotatingHandler.namer.
	Namer func(defaultName string) string

	// Rotator, when set, moves the base file to the (named) first backup instead of a
	// rename, as Python's BaseRotatingHandler.rotator. Only the base file goes through it;
	// older backups are renamed.
	Rotator func(source, dest string) error

	// Compress gzips each new backup (to name + ".gz") on a background goroutine: Write
	// never waits for it, Close waits for it to finish, and a crash mid-compression leaves
	// the uncompressed backup (compressed at the next open). With Lock, a process that opens
	// the log while another is compressing may abort that compression: reported, nothing is
	// lost, the backup stays uncompressed until the next open.
	Compress bool

	// Perm is the mode of created files (default 0644, less the umask).
	Perm os.FileMode

	// Lock makes several processes writing the same path safe: each write and rollover
	// holds an flock on path + ".lock", and a process that finds the file rotated by another
	// reopens it, so the file rotates once and no line is lost. Unix only: on other systems
	// NewSize returns an error.
	Lock bool

	// OnError receives rotation and compression failures (nil: rate-limited standard
	// error). NewSizeHandler reports them through the handler instead.
	OnError func(error)
}

// SizeFile is an io.WriteCloser that appends to path and rotates it by size. Each Write is
// one record: a record is never split across files. It is safe for concurrent use.
//
// A rollover that fails (a rename error, say) is reported and the record is written to the
// current file; the next attempt comes after MaxBytes more bytes. A write that fails is
// returned.
//
// Crash recovery: if an interrupted rollover left its intent file, NewSize finishes it: it
// finds the first missing backup index k (the hole the interrupted shift left), shifts
// backups 1..k-1 up by one and moves the base file to .1. With Compress, it removes partial
// .gz.tmp files, removes a backup whose complete .gz exists, and queues uncompressed backups.
type SizeFile struct {
	file
	o       SizeOptions
	rotates bool
	retryAt int64 // after a failed rollover, no new attempt below this size
}

// NewSize opens (creating or appending to) path for size rotation.
func NewSize(path string, o SizeOptions) (*SizeFile, error) {
	s := &SizeFile{o: o, rotates: o.MaxBytes > 0 && o.BackupCount > 0}
	if err := s.init(path, o.Perm, o.Lock, o.Compress, o.OnError); err != nil {
		return nil, err
	}
	s.lockNames()
	err := s.recover()
	if err != nil {
		s.report(err) // the log is still usable: report and go on
	}
	err = s.open()
	s.unlockNames()
	if err != nil {
		if s.lk != nil {
			s.lk.close()
		}
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
		s.rollover()
		s.unlockNames()
	}
	return s.write(p)
}

func (s *SizeFile) writeLocked(p []byte) (int, error) {
	s.lockNames()
	defer s.unlockNames()
	if _, err := s.follow(); err != nil {
		s.report(err)
	}
	if s.due(len(p)) {
		s.rollover()
	}
	return s.write(p)
}

func (s *SizeFile) due(n int) bool {
	return s.rotates && s.regular && s.size > 0 && s.size+int64(n) >= s.o.MaxBytes && s.size >= s.retryAt
}

// Close closes the file and waits for background compression to finish.
func (s *SizeFile) Close() error { return s.shutdown() }

// name returns the name of backup i.
func (s *SizeFile) name(i int) string {
	n := s.path + "." + strconv.Itoa(i)
	if s.o.Namer != nil {
		n = s.o.Namer(n)
	}
	return n
}

// rollover moves the base file to .1, with the names locked. On failure it reports, writes
// on to the base file, and waits MaxBytes more bytes before trying again.
func (s *SizeFile) rollover() {
	err := writeJournal(s.path, s.name(1))
	s.closeFile()
	if err == nil {
		err = s.shift(s.o.BackupCount)
		err = errors.Join(err, removeJournal(s.path))
	}
	if oerr := s.open(); oerr != nil {
		err = errors.Join(err, oerr)
	}
	if err != nil {
		s.retryAt = s.size + s.o.MaxBytes
		s.report(fmt.Errorf("rotate %s: rollover: %w", s.path, err))
		return
	}
	s.retryAt = 0
	if s.gz != nil && exists(s.name(1)) {
		s.gz.add(&s.file, s.name(1), s.locate)
	}
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

// moveSlot renames backup i (plain and/or gzipped) to i+1, replacing what was at i+1.
func (s *SizeFile) moveSlot(i int) error {
	src, dst := s.name(i), s.name(i+1)
	if !exists(src) && !exists(src+".gz") {
		return nil
	}
	if err := s.clearSlot(i + 1); err != nil {
		return err
	}
	for _, ext := range slotExts {
		if exists(src + ext) {
			if err := os.Rename(src+ext, dst+ext); err != nil {
				return err
			}
		}
	}
	return nil
}

// shift is Python's doRollover rename sequence over backups 1..top: each moves up one, the
// one at top is dropped, and the base file becomes .1.
func (s *SizeFile) shift(top int) error {
	for i := top - 1; i >= 1; i-- {
		if err := s.moveSlot(i); err != nil {
			return err
		}
	}
	if err := s.clearSlot(1); err != nil {
		return err
	}
	return rename(s.o.Rotator, s.path, s.name(1))
}

// recover finishes a rollover interrupted by a crash (see SizeFile), with the names locked.
func (s *SizeFile) recover() error {
	var errs []error
	if _, found, err := readJournal(s.path); err != nil {
		errs = append(errs, err)
	} else if found {
		if st, err := os.Lstat(s.path); err == nil && st.Mode().IsRegular() && s.rotates {
			for k := 1; k <= s.o.BackupCount; k++ {
				if !s.slotUsed(k) {
					errs = append(errs, s.shift(k))
					break
				}
			}
		}
		errs = append(errs, removeJournal(s.path))
	}
	if s.gz != nil {
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

// locate finds the backup that was fi when queued; backups shift while they wait.
func (s *SizeFile) locate(_ string, fi os.FileInfo) (string, bool) {
	for i := 1; i <= s.o.BackupCount; i++ {
		if n := s.name(i); sameAt(n, fi) {
			return n, true
		}
	}
	return "", false
}

func (s *SizeFile) queueUncompressed() {
	if s.gz == nil {
		return
	}
	for i := 1; i <= s.o.BackupCount; i++ {
		if n := s.name(i); exists(n) {
			s.gz.add(&s.file, n, s.locate)
		}
	}
}
