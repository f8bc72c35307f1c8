package rotate

import (
	"time"

	"golang.org/x/sys/unix"
)

// sleepShort sleeps d in the kernel, blocking the thread: unlike a Go timer, which wakes
// about a millisecond late when the process is idle, it wakes within the kernel's timer
// slack (50 µs). The run releaser (lockrun.go) relies on it.
func sleepShort(d time.Duration) {
	ts := unix.NsecToTimespec(d.Nanoseconds())
	for unix.Nanosleep(&ts, &ts) == unix.EINTR {
	}
}
