//go:build darwin

package rotate

import (
	"os"

	"golang.org/x/sys/unix"
)

// renameNoReplace renames src to dst and fails with an error matching fs.ErrExist if dst
// exists, atomically (renamex_np RENAME_EXCL). Filesystems without it get linkRename.
func renameNoReplace(src, dst string) error {
	err := unix.RenamexNp(src, dst, unix.RENAME_EXCL)
	switch err {
	case nil:
		return nil
	case unix.ENOTSUP, unix.EINVAL:
		return linkRename(src, dst)
	}
	return &os.LinkError{Op: "rename", Old: src, New: dst, Err: err}
}
