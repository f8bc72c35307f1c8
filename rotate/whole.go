package rotate

import (
	"fmt"
	"io"
	"os"
)

// dropPartial removes the n bytes that a failed write of one record left at the end of f (a
// full disk, a file size limit), so that the file holds whole records only and the next
// record does not start in the middle of a line.
//
// It truncates only when the file still ends exactly where our write stopped: the descriptor's
// offset after a write, O_APPEND or not, is the end of what it wrote. If the file grew past it,
// another writer appended after our fragment and cutting would destroy its record, so the
// fragment stays and the error says so. With Lock every writer of the path holds the flock
// across its write, so the check and the truncate cannot race; without it, another process
// appending between the two (one fstat and one ftruncate apart) would lose its record — the
// window is those two system calls, after a failed write only. A record that the kernel took
// in several write calls while another process appended between them was torn already; this
// cannot repair it. Non-regular files (pipes, devices) cannot take bytes back: nothing is done.
func dropPartial(f *os.File, n int) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil
	}
	end, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("seek: %w", err)
	}
	if fi.Size() != end {
		return fmt.Errorf("the file grew to %d bytes past the fragment ending at %d", fi.Size(), end)
	}
	start := end - int64(n)
	if err := f.Truncate(start); err != nil {
		return fmt.Errorf("truncate: %w", err)
	}
	// Without O_APPEND the next write goes to the offset: move it back, or it leaves a hole.
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return fmt.Errorf("seek: %w", err)
	}
	return nil
}

// writeError wraps a failed write of a record of which n bytes reached the file, after trying
// to take those bytes back; it returns how many bytes remain.
func writeError(what string, f *os.File, n int, err error) (int, error) {
	if n == 0 {
		return 0, fmt.Errorf("%s: write: %w", what, err)
	}
	if uerr := dropPartial(f, n); uerr != nil {
		return n, fmt.Errorf("%s: write: %w (a partial record of %d bytes stays: %v)", what, err, n, uerr)
	}
	return 0, fmt.Errorf("%s: write: %w (partial record removed)", what, err)
}
