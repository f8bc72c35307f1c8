package rotate

import (
	"os"
	"time"
)

// Files configures what size and time rotation share: how backups are named, moved,
// compressed and expired, the mode of created files, the cross-process lock and where
// failures go. It is embedded in SizeOptions and TimedOptions; its zero value renames
// backups, keeps them uncompressed and forever, and takes no lock:
//
//	rotate.SizeOptions{MaxBytes: 10 << 20, BackupCount: 5,
//		Files: rotate.Files{Compress: true, MaxAge: 30 * 24 * time.Hour}}
type Files struct {
	// Namer, when set, maps a default backup name ("app.log.3", "app.log.2026-11-26") to the
	// name used, as Python's BaseRotatingHandler.namer.
	Namer func(defaultName string) string

	// Rotator, when set, moves the previous base file to the (named) backup instead of a
	// rename, as Python's BaseRotatingHandler.rotator. For size rotation its source is
	// path + ".rotating" (where a rollover parks the base file) and only that move goes
	// through it (older backups are renamed); for time rotation its source is path.
	Rotator func(source, dest string) error

	// Compress gzips each new backup (to name + ".gz") on a background goroutine: Write
	// never waits for it, Close waits for it to finish, and a crash mid-compression leaves
	// the uncompressed backup (compressed at the next open). The .gz keeps the backup's
	// modification time. A backup that a writer may still append to is not compressed
	// until it is let go: see Lock for several processes.
	Compress bool

	// MaxAge, when positive, removes the backups (compressed ones included) whose
	// modification time is more than MaxAge old, when the log is opened and at each rollover,
	// as lumberjack's MaxAge does; the current file is never removed. It applies on top of
	// BackupCount. With Lock only the process holding the lock removes them; without Lock, a
	// backup another process still writes to (Unix) is left for a later rollover.
	MaxAge time.Duration

	// Perm is the mode of created files (default 0644, less the umask).
	Perm os.FileMode

	// Lock makes several processes writing the same path safe: each write and rollover
	// holds an flock on path + ".lock", and a process that finds the file rotated by another
	// reopens it, so the file rotates once (at the same time, for time rotation) and no line
	// is lost. Unix only: on other systems the constructors return an error.
	//
	// Without Lock several processes may still write one path and no line is lost, but sizes
	// are inexact (see SizeFile). With Compress or MaxAge and without Lock, on Unix, renames
	// and removals still take the flock on path + ".lock" (writes do not), and each writer
	// holds a shared flock on the file it appends to: a backup is compressed or removed only
	// when no writer holds it any more (the last one to let it go queues its compression),
	// so nothing is appended to a file after it was copied or removed.
	Lock bool

	// OnError receives rotation and compression failures (nil: rate-limited standard
	// error). NewSizeHandler and NewTimedHandler report them through the handler instead.
	OnError func(error)

	// now is the clock of MaxAge (nil: time.Now; TimedOptions.Now when set): tests set it.
	now func() time.Time
}
