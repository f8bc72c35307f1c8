//go:build !linux && !darwin && !windows

package rotate

// renameNoReplace renames src to dst and fails with an error matching fs.ErrExist if dst
// exists. This system offers no such rename: see linkRename for what remains.
func renameNoReplace(src, dst string) error { return linkRename(src, dst) }
