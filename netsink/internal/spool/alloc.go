//go:build unix

package spool

import "os"

// allocateByWriting writes size zero bytes to f: the portable way to own the blocks.
func allocateByWriting(f *os.File, size int) error {
	zeros := make([]byte, min(size, 1<<20))
	for off := 0; off < size; off += len(zeros) {
		n := min(len(zeros), size-off)
		if _, err := f.WriteAt(zeros[:n], int64(off)); err != nil {
			return err
		}
	}
	return nil
}
