package netsink

import (
	"time"

	"github.com/slogx/handlers/netsink/internal/deliver"
)

// Backoff is the reconnect schedule of Python's SocketHandler: after a failed connect, wait
// Initial (1 s), then twice as long after every further failure, never more than Max (30 s).
// The zero value uses Python's numbers. It is not safe for concurrent use; each connection
// owner keeps its own.
type Backoff struct {
	Initial time.Duration // first wait; zero means 1 s (Python's retryStart)
	Max     time.Duration // cap; zero means 30 s (Python's retryMax)
	Factor  float64       // growth; zero means 2 (Python's retryFactor)

	s deliver.Backoff // the one implementation of the schedule
}

// schedule returns a fresh schedule with b's parameters, for a delivery engine.
func (b Backoff) schedule() deliver.Backoff {
	return deliver.Backoff{Initial: b.Initial, Max: b.Max, Factor: b.Factor}
}

// Ready reports whether a connection attempt may be made at now.
func (b *Backoff) Ready(now time.Time) bool { return b.s.Ready(now) }

// Failed records a failed attempt at now and returns when the next attempt may be made.
func (b *Backoff) Failed(now time.Time) time.Time {
	b.s.Initial, b.s.Max, b.s.Factor = b.Initial, b.Max, b.Factor
	return b.s.Failed(now)
}

// Reset forgets past failures after a successful connection.
func (b *Backoff) Reset() { b.s.Reset() }
