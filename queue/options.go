package queue

import (
	"time"

	"github.com/slogx/handlers/slogx"
)

// DefaultCapacity is the number of waiting records a queue holds when Options.Capacity is zero.
const DefaultCapacity = 1024

// Overflow says what Handle does when the queue is full: the one policy type of this module,
// slogx.Overflow. The zero value, Block, waits for room as long as the context passed to Handle
// allows.
type Overflow = slogx.Overflow

// The policies, as slogx defines them: Block waits for room, or until the context passed to
// Handle is done (the record is then dropped, counted, and Handle returns the context's error);
// DropNewest drops the record being handled and returns ErrFull; DropOldest evicts the oldest
// waiting record. Only Block ever waits.
const (
	Block      = slogx.Block
	DropNewest = slogx.DropNewest
	DropOldest = slogx.DropOldest
)

// Options configures a queue. The zero value is a usable configuration: DefaultCapacity
// records, Block on overflow, drop and error reports on standard error at most once a second.
type Options struct {
	// Capacity is the number of records that may wait for the listener. Zero or less means
	// DefaultCapacity. The records the listener is currently handing to the target (at most
	// one batch of up to 256) do not count. The ring is allocated up front, about 320 bytes
	// per record of capacity (a slog.Record with its context and handler), plus the batch.
	Capacity int

	// Overflow is the policy applied when Capacity records are waiting.
	Overflow Overflow

	// OnError receives target errors, target panics and drop reports. Drops are reported at
	// most once per ReportInterval, each report giving the number of records dropped since the
	// previous one (the last ones are reported by Close at the latest). Nil means standard
	// error, rate-limited. It is called from the listener or from a producer, never with a
	// lock held, and must not log through this queue.
	OnError func(error)

	// ReportInterval is the minimum time between two drop reports. Zero means one second.
	ReportInterval time.Duration

	// Now is the clock used to rate-limit drop reports. Nil means time.Now.
	Now func() time.Time

	// ResolveLogValuers resolves slog.LogValuer attributes in the caller, as Python's
	// QueueHandler.prepare formats a record there: the target then sees the values as of the
	// log call, and a LogValuer need not be safe to call from the listener goroutine. It costs
	// a scan of the record's attributes (about 30 ns for five). Off, LogValuers are resolved by
	// the target on the listener goroutine — which also moves their cost off the caller, the
	// reason LogValuer exists.
	ResolveLogValuers bool
}

// ErrFull is returned by Handle, and wrapped in drop reports, when a record was dropped
// because the queue was full. It is slogx.ErrBufferFull, the one "buffer full" error of this
// module.
var ErrFull = slogx.ErrBufferFull

func (o Options) capacity() int {
	if o.Capacity <= 0 {
		return DefaultCapacity
	}
	return o.Capacity
}

func (o Options) interval() time.Duration {
	if o.ReportInterval <= 0 {
		return time.Second
	}
	return o.ReportInterval
}

func (o Options) now() func() time.Time {
	if o.Now == nil {
		return time.Now
	}
	return o.Now
}
