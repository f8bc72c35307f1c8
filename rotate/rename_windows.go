//go:build windows

package rotate

import (
	"os"

	"golang.org/x/sys/windows"
)

// renameNoReplace renames src to dst and fails with an error matching fs.ErrExist if dst
// exists, atomically: MoveFileEx without MOVEFILE_REPLACE_EXISTING.
func renameNoReplace(src, dst string) error {
	from, err := windows.UTF16PtrFromString(src)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: src, New: dst, Err: err}
	}
	to, err := windows.UTF16PtrFromString(dst)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: src, New: dst, Err: err}
	}
	if err := windows.MoveFileEx(from, to, 0); err != nil {
		return &os.LinkError{Op: "rename", Old: src, New: dst, Err: err}
	}
	return nil
}
