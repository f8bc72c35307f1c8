package netsink

import "time"

// Backoff is the reconnect and retry schedule of Python's SocketHandler: after a failure,
// wait Initial, then Factor times longer after every further failure, never more than Max.
// The zero value uses Python's numbers (1 s, doubling, at most 30 s). A success starts the
// schedule over. It is a value: every handler keeps its own schedule.
type Backoff struct {
	Initial time.Duration // first wait; zero means 1 s (Python's retryStart)
	Max     time.Duration // cap; zero means 30 s (Python's retryMax)
	Factor  float64       // growth; zero means 2 (Python's retryFactor)
}
