//go:build unix

package spool

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

func supported() error { return nil }

// lockDir takes an exclusive flock on path, without waiting. The lock belongs to the open
// file: a second Open in the same process is refused like one in another process, and a
// process that dies releases it.
func lockDir(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("flock %s: %w", path, err)
	}
	return f, nil
}

// createSegment makes a new segment file of size bytes and maps it for writing.
func createSegment(path string, size int, durable bool) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := allocate(f, size); err != nil {
		os.Remove(path)
		return nil, err
	}
	data, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("mmap %s: %w", path, err)
	}
	if durable {
		if err := syncDir(filepath.Dir(path)); err != nil {
			return data, nil // the file exists; its entry reaches the disk with the next sync
		}
	}
	return data, nil
}

// mapSegment maps an existing segment of size bytes for reading.
func mapSegment(path string, size int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap %s: %w", path, err)
	}
	return data, nil
}

// mapFile maps path, created or grown to size bytes, for reading and writing.
func mapFile(path string, size int) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() < int64(size) {
		if err := allocate(f, size); err != nil {
			return nil, err
		}
	}
	data, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap %s: %w", path, err)
	}
	return data, nil
}

func munmap(b []byte) error { return unix.Munmap(b) }

// msync writes b's dirty pages to the disk and waits; b must start on a page.
func msync(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	return unix.Msync(b, unix.MS_SYNC)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// touch faults in the pages of b[from:to] for writing. It may run beside the writer, on
// pages the writer is filling: an atomic compare-and-swap of 0 with 0 needs write access
// (so it takes the page fault) but never changes a byte, whatever the writer did first.
func touch(b []byte, from, to int) {
	page := os.Getpagesize()
	for off := (from + page - 1) / page * page; off < to; off += page {
		atomic.CompareAndSwapUint32((*uint32)(unsafe.Pointer(&b[off])), 0, 0)
	}
}
