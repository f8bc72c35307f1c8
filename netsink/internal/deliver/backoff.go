package deliver

import "time"

// Backoff is the reconnect schedule of Python's SocketHandler: after a failure wait Initial,
// then Factor times longer after every further failure, never more than Max. Zero fields take
// Python's numbers (1 s, 2, 30 s). It is not safe for concurrent use: each sender keeps its own.
type Backoff struct {
	Initial time.Duration // first wait; zero means 1 s (Python's retryStart)
	Max     time.Duration // cap; zero means 30 s (Python's retryMax)
	Factor  float64       // growth; zero means 2 (Python's retryFactor)

	period time.Duration
	retry  time.Time
}

// Ready reports whether an attempt may be made at now.
func (b *Backoff) Ready(now time.Time) bool {
	return b.retry.IsZero() || !now.Before(b.retry)
}

// Failed records a failed attempt at now and returns when the next attempt may be made.
func (b *Backoff) Failed(now time.Time) time.Time {
	initial, limit, factor := b.Initial, b.Max, b.Factor
	if initial <= 0 {
		initial = time.Second
	}
	if limit <= 0 {
		limit = 30 * time.Second
	}
	if factor <= 0 {
		factor = 2
	}
	if b.period == 0 {
		b.period = initial
	} else {
		b.period = min(time.Duration(float64(b.period)*factor), limit)
	}
	b.retry = now.Add(b.period)
	return b.retry
}

// NotBefore moves the next attempt to t if the schedule had it earlier (a peer's Retry-After),
// and returns when the next attempt may be made.
func (b *Backoff) NotBefore(t time.Time) time.Time {
	if t.After(b.retry) {
		b.retry = t
	}
	return b.retry
}

// Reset forgets past failures, after a success.
func (b *Backoff) Reset() {
	b.period = 0
	b.retry = time.Time{}
}
