//go:build !linux

package rotate

import "time"

// shortSleeper is time.Sleep where there is no timerfd: a run's flock may then be held about
// a millisecond after the last write instead of lockRunGap (see lockrun.go).
type shortSleeper struct{}

func newShortSleeper() *shortSleeper { return nil }

func (*shortSleeper) sleep(d time.Duration) { time.Sleep(d) }

func (*shortSleeper) close() {}
