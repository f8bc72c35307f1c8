package spool

import (
	"os"

	"golang.org/x/sys/unix"
)

// allocate gives f size bytes of disk blocks. A store into a mapped page of a sparse file
// whose block cannot be allocated (a full disk) kills the process with SIGBUS; a file whose
// blocks exist never needs one, and a full disk fails here, as an error.
func allocate(f *os.File, size int) error {
	for {
		err := unix.Fallocate(int(f.Fd()), 0, 0, int64(size))
		switch err {
		case unix.EINTR:
			continue
		case unix.EOPNOTSUPP, unix.ENOSYS:
			return allocateByWriting(f, size)
		}
		return err
	}
}
