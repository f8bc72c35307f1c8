package deliver

import (
	"time"

	"github.com/slogx/handlers/netsink/internal/spool"
	"github.com/slogx/handlers/slogx"
)

// Defaults of Options.
const (
	DefaultBuffer        = 8 << 20
	DefaultMaxBatchBytes = 256 << 10
	DefaultCloseTimeout  = 5 * time.Second
	// PoisonAttempts is how many connections in a row of an Acker transport may die on the
	// same unacknowledged head record before the engine drops it.
	PoisonAttempts = 3
)

// Options configures an Engine. The zero value is usable with a Name and a Transport.
type Options struct {
	// Name prefixes every error the engine reports ("netsink: socket 127.0.0.1:9"); it
	// should say the package and the peer.
	Name string

	// Buffer bounds the bytes of records held (queued, in flight, or waiting for their
	// acknowledgement). Zero means DefaultBuffer. A record larger than Buffer is dropped.
	Buffer int

	// Overflow is what Write does when the buffer is full (see the package doc).
	Overflow slogx.Overflow

	// EnqueueTimeout bounds the wait of Write under slogx.Block; zero means no wait.
	EnqueueTimeout time.Duration

	// MaxBatchBytes and MaxBatchRecords bound one batch (a batch holds at least one record
	// whatever its size). Zero means DefaultMaxBatchBytes and no record limit.
	MaxBatchBytes   int
	MaxBatchRecords int

	// BatchInterval is how long the sender waits, after it first sees a record, for more to
	// fill a batch before sending a partial one. Zero sends as soon as records are there.
	BatchInterval time.Duration

	// MaxRetries is how many times a batch is sent again after transient Send failures
	// before it is refused (one Error per refused batch, failures in between are not
	// reported). Negative means forever: every failure is reported and counted, and the
	// batch waits in the buffer (stream transports: Socket, Syslog). Zero means no retry.
	MaxRetries int

	// CloseTimeout bounds how long Close waits for the buffered records to be delivered;
	// zero means DefaultCloseTimeout.
	CloseTimeout time.Duration

	// Backoff is the schedule between failed attempts (connects, sends).
	Backoff Backoff

	// Now is the clock of the backoff schedule; nil means time.Now. The engine waits on real
	// timers but checks the schedule against Now, and checks again whenever a record is
	// written, so a test clock moved forward takes effect at the next Write.
	Now func() time.Time

	// RecycleChunks lets the engine reuse the memory of settled records once Send has
	// returned (see queue.reclaim). Only a transport whose Send is done with the records'
	// bytes when it returns may set it: net/http, for one, may go on reading a request
	// body after a failed RoundTrip returned. With a spool, a transport without it gets
	// each batch copied out of the spool's mapped files, which are reused or unmapped once
	// their records are settled.
	RecycleChunks bool

	// Stamp, when set, is called with every record's buffered copy and its sequence number,
	// under the engine's lock, before the sender can see it: the transport writes the number
	// into the bytes (Socket's "seq" field). It must not keep rec.
	Stamp func(rec []byte, seq uint64)

	// Spool, with a Dir, keeps the records in a disk spool instead of memory (Open only):
	// Buffer is then unused, MaxBytes bounds the disk and Overflow applies beyond it, a
	// record is released only once delivered, and records left by an earlier run with the
	// same Dir are sent first. Sequence numbers continue those of the earlier run. See
	// package spool for the Sync semantics and the layout.
	Spool spool.Options

	// SenderID, when set, is called by Open with the spool's sender identity before the
	// sender goroutine starts, so that a transport can use it from its first connection
	// (Socket puts it in its frames; a Server's Dedup then knows the sender again after a
	// restart). Not called without a spool.
	SenderID func(id [16]byte)
}

func (o *Options) buffer() int {
	if o.Buffer <= 0 {
		return DefaultBuffer
	}
	return o.Buffer
}

func (o *Options) maxBatchBytes() int {
	if o.MaxBatchBytes <= 0 {
		return DefaultMaxBatchBytes
	}
	return o.MaxBatchBytes
}

func (o *Options) closeTimeout() time.Duration {
	if o.CloseTimeout <= 0 {
		return DefaultCloseTimeout
	}
	return o.CloseTimeout
}
