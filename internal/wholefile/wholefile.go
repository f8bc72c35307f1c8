// Package wholefile keeps log files made of whole records: a write that stopped part-way (a
// full disk, a file size limit) is taken back, so the next record does not start in the middle
// of a line. File and rotating-file handlers share it.
package wholefile

import (
	"fmt"
	"io"
	"os"
)

// DropPartial removes the n bytes that a failed write of one record left at the end of f (a
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
func DropPartial(f *os.File, n int) error {
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

// WriteError wraps a failed write of one record, of which n bytes reached f, after trying to
// take those bytes back (see DropPartial), with what in front ("rotate app.log: write"); it
// returns how many bytes remain in the file.
func WriteError(what string, f *os.File, n int, err error) (int, error) {
	if n == 0 {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if uerr := DropPartial(f, n); uerr != nil {
		return n, fmt.Errorf("%s: %w (a partial record of %d bytes stays: %v)", what, err, n, uerr)
	}
	return 0, fmt.Errorf("%s: %w (partial record removed)", what, err)
}
