package rotate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/slogx/handlers/slogx"
)

// TimedOptions configure time rotation, Python's TimedRotatingFileHandler. The zero value
// rotates every hour, local time, and keeps every backup.
type TimedOptions struct {
	// When is the unit: "S" seconds, "M" minutes, "H" hours, "D" days, "MIDNIGHT" at
	// midnight (or AtTime), "W0".."W6" weekly on that day (0 is Monday) at midnight (or
	// AtTime). Case-insensitive. Empty means "H", Python's default.
	When string

	// Interval multiplies the unit (zero means 1). As in CPython 3.11, MIDNIGHT ignores it
	// when computing the next rollover.
	Interval int

	// UTC computes midnight and names backups in UTC instead of Location.
	UTC bool

	// AtTime is the time of day (offset from midnight) of MIDNIGHT and weekly rollovers,
	// whole seconds; zero means Python's atTime=None (midnight). Python's atTime=time(0, 0)
	// differs from None only when the current time is exactly 00:00:00.
	AtTime time.Duration

	// BackupCount, when positive, keeps that many backups: the oldest of the files named
	// like this file's backups (base name and suffix pattern, as CPython 3.11 matches them)
	// are deleted. Other files (app.log.1 of a size-rotated sibling, app.log.bak) are never
	// touched.
	BackupCount int

	// Now is the clock of the schedule and of MaxAge (nil: time.Now). Rollover times are
	// compared in whole seconds.
	Now func() time.Time

	// Location is the time zone of local-time rollovers and backup names (nil: time.Local),
	// Python's process time zone.
	Location *time.Location

	// Files holds the options size and time rotation share (Compress, MaxAge, Lock, ...).
	Files
}

// TimedFile is an io.WriteCloser that appends to path and rotates it on a time schedule
// computed exactly as CPython 3.11 does (see NextRollover); the first rollover is computed
// from the existing file's modification time. Each Write is one record. It is safe for
// concurrent use.
//
// Unlike Python, a backup name that already exists is never overwritten: a counter is
// appended (app.log.2026-11-26.1, .2, ...). A failed rollover is reported, the record is
// written to the current file, which stays open until a new one exists (see SizeFile), and the
// next attempt is at the next scheduled rollover. Without Lock, a process that finds the path
// rotated by another (at the same scheduled time) reopens it instead of rotating it again.
// A write that fails is returned and leaves no part of its record in the file, as with
// SizeFile.
//
// Crash recovery: a rollover is one rename (atomic), so there is nothing half done to finish.
// With Compress, NewTimed removes the partial .gz.tmp files no live compression holds,
// removes a backup whose complete .gz exists, and queues uncompressed backups. With MaxAge,
// it removes the backups older than MaxAge.
type TimedFile struct {
	file
	o          TimedOptions
	s          schedule
	now        func() time.Time
	rolloverAt int64
	ext        *regexp.Regexp
}

// Python's extMatch per unit (re.ASCII: \d and \w are ASCII).
var (
	extSeconds = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}(\.[A-Za-z0-9_]+)?$`)
	extMinutes = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}(\.[A-Za-z0-9_]+)?$`)
	extHours   = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}(\.[A-Za-z0-9_]+)?$`)
	extDays    = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}(\.[A-Za-z0-9_]+)?$`)
)

// NewTimed opens (creating or appending to) path for time rotation. An invalid When or
// AtTime is an error.
func NewTimed(path string, o TimedOptions) (*TimedFile, error) {
	return newTimed(path, o, slogx.NewReporter(o.OnError))
}

// newTimed is NewTimed reporting through rep (see newSize).
func newTimed(path string, o TimedOptions, rep *slogx.Reporter) (*TimedFile, error) {
	sch, err := newSchedule(o)
	if err != nil {
		return nil, fmt.Errorf("rotate %s: %w", path, err)
	}
	t := &TimedFile{o: o, s: sch, now: o.Now}
	if t.now == nil {
		t.now = time.Now
	}
	switch sch.when {
	case "S":
		t.ext = extSeconds
	case "M":
		t.ext = extMinutes
	case "H":
		t.ext = extHours
	default:
		t.ext = extDays
	}
	fo := o.Files
	if fo.now == nil {
		fo.now = o.Now
	}
	if err := t.init(path, fo, rep); err != nil {
		return nil, err
	}
	t.locate = t.locateBackup
	t.lockNames()
	if err := t.recover(); err != nil {
		t.report(err)
	}
	// Python: the first rollover counts from the existing file's mtime, else from now.
	start := t.now().Unix()
	if st, err := os.Stat(path); err == nil {
		start = st.ModTime().Unix()
	}
	err = t.open()
	t.rolloverAt = t.s.compute(start)
	if t.lk != nil {
		if at, ok := t.lk.readNext(); ok {
			t.rolloverAt = at // the schedule of the process that rotated last
		}
	}
	if err == nil {
		if xerr := t.expireOld(); xerr != nil {
			t.report(xerr)
		}
	}
	t.unlockNames()
	if err != nil {
		t.closeLocks()
		return nil, err
	}
	t.queueUncompressed()
	return t, nil
}

// Write writes p as one record, rolling the file over first when the rollover time has
// come. Without Lock it does not allocate, except when rolling over.
func (t *TimedFile) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return 0, ErrClosed
	}
	if t.lk != nil {
		// Only the first write of a run follows the path: within a run no other process can
		// have rotated it (see lockrun.go).
		fresh := t.lockWrite()
		defer t.unlockWrite()
		if fresh {
			reopened, err := t.follow()
			if err != nil {
				t.report(err)
			}
			if reopened {
				if at, ok := t.lk.readNext(); ok {
					t.rolloverAt = at
				}
			}
		}
		t.maybeRollover()
		return t.writeNamesHeld(p)
	}
	if t.now().Unix() >= t.rolloverAt {
		t.lockNames()
		t.maybeRollover()
		t.unlockNames()
	}
	return t.write(p)
}

// maybeRollover is Python's shouldRollover + doRollover, with the names locked.
func (t *TimedFile) maybeRollover() {
	now := t.now().Unix()
	if now < t.rolloverAt {
		return
	}
	if !t.regular {
		// Python: never roll a non-regular file over, but move the schedule on.
		t.rolloverAt = t.s.compute(now)
		return
	}
	nameAt, next := t.s.afterRollover(t.rolloverAt, now)
	if t.lk == nil {
		// Without Lock, another process may have rotated already: its backup holds this
		// period, so follow it to the new file instead of rotating that one too.
		moved, err := t.reopenIfMoved()
		if err != nil {
			t.report(fmt.Errorf("rotate %s: rollover: %w", t.path, err))
		}
		if moved || err != nil {
			t.rolloverAt = next
			return
		}
	}
	def := t.path + "." + formatSuffix(t.s.suffix, nameAt)
	var dfn string
	var err error
	for try := 0; ; try++ {
		dfn = t.freeName(def)
		err = t.replace(t.moveTo(dfn))
		// Without Lock another process may take the free name first: take the next one.
		if try == 2 || !errors.Is(err, fs.ErrExist) || t.o.Rotator != nil {
			break
		}
	}
	if err == nil && t.o.BackupCount > 0 {
		err = t.deleteOld()
	}
	t.rolloverAt = next
	if t.lk != nil {
		if werr := t.lk.writeNext(next); werr != nil {
			err = errors.Join(err, fmt.Errorf("record next rollover: %w", werr))
		}
	}
	if err != nil {
		t.report(fmt.Errorf("rotate %s: rollover: %w", t.path, err))
	}
	if err := t.expireOld(); err != nil {
		t.report(err)
	}
	if t.compress && exists(dfn) {
		t.queueCompress(dfn)
	}
}

// moveTo returns the move and its undo that make the base file the backup dfn. A user's
// Rotator cannot be undone.
func (t *TimedFile) moveTo(dfn string) (move, undo func() error) {
	move = func() error { return rename(t.o.Rotator, t.path, dfn) }
	if t.o.Rotator == nil {
		undo = func() error { return renameNoReplace(dfn, t.path) }
	}
	return move, undo
}

// freeName returns the backup name for def, with a counter appended when a backup of that
// name (or its .gz) exists: Python would delete it.
func (t *TimedFile) freeName(def string) string {
	name := t.named(def)
	for k := 1; exists(name) || exists(name+".gz"); k++ {
		name = t.named(def + "." + strconv.Itoa(k))
	}
	return name
}

func (t *TimedFile) named(n string) string {
	if t.o.Namer != nil {
		return t.o.Namer(n)
	}
	return n
}

// backups lists this file's backups as CPython 3.11's getFilesToDelete matches them, sorted
// by name (oldest first). Partial gzip files are not backups.
func (t *TimedFile) backups() ([]string, error) {
	dir, baseName := filepath.Split(t.path)
	if dir == "" {
		dir = "."
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	n, e := splitext(baseName)
	prefix := n + "."
	plen := len(prefix)
	var out []string
	for _, ent := range ents {
		fn := ent.Name()
		if t.o.Namer == nil {
			if !strings.HasPrefix(fn, baseName) {
				continue
			}
		} else if !strings.HasPrefix(fn, baseName) && strings.HasSuffix(fn, e) &&
			len(fn) > plen+1 && !isDigit(fn[plen+1]) {
			continue
		}
		if strings.Contains(fn, tmpMark) || len(fn) < plen || fn[:plen] != prefix {
			continue
		}
		for _, part := range strings.Split(fn[plen:], ".") {
			if t.ext.MatchString(part) {
				out = append(out, filepath.Join(dir, fn))
				break
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// splitext is Python's os.path.splitext on a base name: leading dots do not start an extension.
func splitext(name string) (root, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || strings.Trim(name[:i], ".") == "" {
		return name, ""
	}
	return name[:i], name[i:]
}

// deleteOld removes the oldest backups beyond BackupCount.
func (t *TimedFile) deleteOld() error {
	all, err := t.backups()
	if err != nil {
		return err
	}
	if len(all) < t.o.BackupCount {
		return nil
	}
	var errs []error
	for _, f := range all[:len(all)-t.o.BackupCount] {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// recover cleans what a crash left of background compression, with the names locked. A timed
// rollover itself is one rename, atomic: a crash leaves the base file either in place (it
// rolls over at the next write) or renamed (retention catches up at the next rollover).
func (t *TimedFile) recover() error {
	if !t.compress {
		return nil
	}
	if err := cleanCompressLeftovers(t.path, t.isBackup); err != nil {
		return fmt.Errorf("rotate %s: recover: %w", t.path, err)
	}
	return nil
}

func (t *TimedFile) isBackup(name string) bool {
	all, err := t.backups()
	if err != nil {
		return false
	}
	i := sort.SearchStrings(all, name)
	return i < len(all) && all[i] == name
}

func (t *TimedFile) queueUncompressed() {
	if !t.compress {
		return
	}
	all, err := t.backups()
	if err != nil {
		t.report(fmt.Errorf("rotate %s: list backups: %w", t.path, err))
		return
	}
	for _, n := range all {
		if !strings.HasSuffix(n, ".gz") {
			t.queueCompress(n)
		}
	}
}

// locateBackup finds the backup that is fi (file.locate): its name never changes once made,
// but retention may delete it. Without src, the backups are searched.
func (t *TimedFile) locateBackup(src string, fi os.FileInfo) (string, bool) {
	if src != "" {
		return src, sameAt(src, fi)
	}
	all, err := t.backups()
	if err != nil {
		return "", false
	}
	for _, n := range all {
		if sameAt(n, fi) {
			return n, true
		}
	}
	return "", false
}

// expireOld removes the backups older than MaxAge, with the names locked.
func (t *TimedFile) expireOld() error {
	if t.maxAge <= 0 {
		return nil
	}
	all, err := t.backups()
	if err != nil {
		return fmt.Errorf("rotate %s: list backups: %w", t.path, err)
	}
	return t.expire(all)
}

// Close closes the file and waits for background compression to finish. It is idempotent.
func (t *TimedFile) Close() error { return t.shutdown() }
