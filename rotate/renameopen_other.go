//go:build !unix

package rotate

// renameOpenFiles: Windows refuses to rename a file that Go opened (no FILE_SHARE_DELETE),
// so a rollover closes it first.
const renameOpenFiles = false
