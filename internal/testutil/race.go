//go:build race

package testutil

// RaceEnabled reports whether the race detector is on. Allocation checks skip under it:
// sync.Pool drops items at random when racing, so a pooled buffer allocates now and then.
const RaceEnabled = true
