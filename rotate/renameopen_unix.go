//go:build unix

package rotate

// renameOpenFiles: Unix renames a file that is open, and the descriptor follows it.
const renameOpenFiles = true
