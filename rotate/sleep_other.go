//go:build !linux

package rotate

import "time"

// sleepShort is time.Sleep where nanosleep(2) is not offered by golang.org/x/sys: a run's
// flock may then be held about a millisecond after the last write instead of lockRunGap (see
// lockrun.go). Without flock at all (Lock is refused) it is never reached.
func sleepShort(d time.Duration) { time.Sleep(d) }
