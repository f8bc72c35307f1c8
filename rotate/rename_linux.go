//go:build linux

package rotate

import (
	"os"

	"golang.org/x/sys/unix"
)

// renameNoReplace renames src to dst and fails with an error matching fs.ErrExist if dst
// exists, atomically (renameat2 RENAME_NOREPLACE), so that no backup is ever renamed over,
// whatever other processes do. Kernels and filesystems without the flag get linkRename.
func renameNoReplace(src, dst string) error {
	err := unix.Renameat2(unix.AT_FDCWD, src, unix.AT_FDCWD, dst, unix.RENAME_NOREPLACE)
	switch err {
	case nil:
		return nil
	case unix.ENOSYS, unix.EINVAL:
		return linkRename(src, dst)
	}
	return &os.LinkError{Op: "rename", Old: src, New: dst, Err: err}
}
