//go:build unix

package rotate

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// flock is an advisory lock on a side file (path + ".lock") that every process writing the
// same log takes around each write and rotation, so that they rotate once and lose no line.
// The side file also carries the next timed rollover, so that a process that finds the log
// rotated by another adopts its schedule.
type flock struct {
	f *os.File
}

const lockSupported = true

func openLock(path string, perm os.FileMode) (*flock, error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, perm)
	if err != nil {
		return nil, fmt.Errorf("rotate %s: open lock file: %w", path, err)
	}
	return &flock{f: f}, nil
}

func (l *flock) lock() error {
	for {
		err := unix.Flock(int(l.f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			if err != nil {
				return fmt.Errorf("rotate: flock %s: %w", l.f.Name(), err)
			}
			return nil
		}
	}
}

func (l *flock) unlock() {
	// Closing the side file releases the lock too; an unlock error has no remedy here.
	_ = unix.Flock(int(l.f.Fd()), unix.LOCK_UN)
}

func (l *flock) close() error { return l.f.Close() }

// identity is the (device, inode) of an open file, compared with the path's on every locked
// write without allocating.
type identity struct {
	dev, ino uint64
}

func fileIdentity(f *os.File) (identity, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return identity{}, err
	}
	return identity{dev: uint64(st.Dev), ino: uint64(st.Ino)}, nil
}

// pathState reports whether path still names the file with identity id, and its size.
func pathState(path string, id identity) (same bool, size int64, err error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		if err == unix.ENOENT {
			return false, 0, nil
		}
		return false, 0, err
	}
	return uint64(st.Dev) == id.dev && uint64(st.Ino) == id.ino, st.Size, nil
}

// readNext returns the next timed rollover recorded by the last process that rotated.
func (l *flock) readNext() (int64, bool) {
	var buf [32]byte
	n, _ := l.f.ReadAt(buf[:], 0)
	v, err := strconv.ParseInt(strings.TrimSpace(string(buf[:n])), 10, 64)
	return v, err == nil && v > 0
}

// writeNext records the next timed rollover for the other processes.
func (l *flock) writeNext(at int64) error {
	b := strconv.AppendInt(nil, at, 10)
	b = append(b, '\n')
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	_, err := l.f.WriteAt(b, 0)
	return err
}

// holdShared takes a shared flock on f, the log just opened at path, and reports whether f
// is still the file at path once it is held. Without Lock every writer holds its current
// file this way, so that a backup is compressed or removed only when no writer can append to
// it any more (holdExclusive). It does not wait: a file that another process holds
// exclusively is a backup being compressed, rotated away since the open (false).
func holdShared(f *os.File, path string) (bool, error) {
	if ok, err := tryFlock(f, unix.LOCK_SH); !ok || err != nil {
		return false, err
	}
	var st, cur unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return false, fmt.Errorf("stat: %w", err)
	}
	if err := unix.Stat(path, &cur); err != nil {
		if err == unix.ENOENT {
			return false, nil
		}
		return false, fmt.Errorf("stat: %w", err)
	}
	return st.Dev == cur.Dev && st.Ino == cur.Ino, nil
}

// holdExclusive takes an exclusive flock on f, a backup, without waiting, and reports whether
// it got it: false while a writer still holds it (holdShared) or another process compresses
// it. The lock lasts until f is closed.
func holdExclusive(f *os.File) (bool, error) { return tryFlock(f, unix.LOCK_EX) }

func tryFlock(f *os.File, how int) (bool, error) {
	for {
		err := unix.Flock(int(f.Fd()), how|unix.LOCK_NB)
		switch err {
		case nil:
			return true, nil
		case unix.EWOULDBLOCK:
			return false, nil
		case unix.EINTR:
			continue
		}
		return false, fmt.Errorf("flock %s: %w", f.Name(), err)
	}
}
