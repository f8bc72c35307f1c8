package rotate

import (
	"errors"
	"io/fs"
	"os"
)

// linkRename renames src to dst unless dst exists, on systems without a rename that refuses
// to replace: a hard link to dst fails atomically when dst exists, then src is removed. A crash
// between the two leaves both names on one file (its lines appear twice, none is lost). Where
// the filesystem has no hard links (FAT, some network filesystems) it checks that dst does not
// exist and renames: a file that another process creates at dst between the check and the
// rename is replaced — the one race left on those systems, and only without Lock.
func linkRename(src, dst string) error {
	err := os.Link(src, dst)
	if err == nil {
		if err := os.Remove(src); err != nil {
			return err
		}
		return nil
	}
	if errors.Is(err, fs.ErrExist) || errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if _, err := os.Lstat(dst); err == nil {
		return &os.LinkError{Op: "rename", Old: src, New: dst, Err: fs.ErrExist}
	}
	return os.Rename(src, dst)
}
