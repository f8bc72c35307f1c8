package netsink

import (
	"time"

	"github.com/slogx/handlers/slogx"
)

// Delivery configures the delivery engine, the writer of every network handler that does
// not send one datagram per record: Socket, stream syslog (tcp, tcp+tls, unix), forward,
// otlp, smtp and httpsink. Each embeds it in its options as the field Delivery, with the
// same names, meanings and defaults everywhere.
//
// Handle encodes a record and appends it to a buffer bounded in bytes; one sender goroutine
// connects lazily, takes records in batches, sends them, and frees them once delivered
// (acknowledged, where the protocol acknowledges). After a failure it waits on Backoff and
// sends again, in order, what was not delivered. No log call waits on the network unless
// Overflow is slogx.Block with an EnqueueTimeout, and then at most that long. Every record
// that does not reach the peer is counted in Stats().Dropped or Stats().Errors and reported
// through slogx.Options.OnError.
//
// The zero value of every field is usable:
//
//	field           zero value means
//	Buffer          8 MiB
//	Overflow        slogx.Block: wait up to EnqueueTimeout (zero: not at all), then drop the record
//	EnqueueTimeout  no wait
//	BatchBytes      256 KiB (forward: 1 MiB)
//	BatchRecords    no limit (otlp: 512; httpsink NDJSON and batched smtp: 100)
//	BatchInterval   send a partial batch at once (batches fill while the previous one is sent)
//	MaxRetries      until delivered for Socket, syslog and forward (records wait in Buffer);
//	                3 for httpsink and smtp; 6 for otlp
//	Backoff         Python's: 1 s, doubling, at most 30 s
//	CloseTimeout    5 s
//	Spool           none: records wait in memory (Buffer) only
type Delivery struct {
	// Buffer bounds the bytes of encoded records held until delivered: queued, in flight,
	// or waiting for their acknowledgement. A record larger than Buffer is dropped.
	Buffer int

	// Overflow is what Handle does with a record that finds Buffer full: slogx.Block (the
	// zero value) waits up to EnqueueTimeout for room and then drops it; slogx.DropNewest
	// drops it at once; slogx.DropOldest drops the oldest held records instead (they may
	// still have reached the peer). The error Handle returns for a dropped record wraps
	// slogx.ErrBufferFull.
	Overflow slogx.Overflow

	// EnqueueTimeout bounds the wait of Handle under slogx.Block.
	EnqueueTimeout time.Duration

	// BatchBytes bounds the encoded records sent at once (one write, request or mail); a
	// batch holds at least one record whatever its size.
	BatchBytes int

	// BatchRecords bounds the records of one batch.
	BatchRecords int

	// BatchInterval is how long the sender waits, after it first sees a record, for more to
	// fill a batch before it sends a partial one.
	BatchInterval time.Duration

	// MaxRetries is how many times a batch is sent again after a failure that may pass (a
	// broken connection, a 5xx response, a transient SMTP reply) before it is counted in
	// Errors and dropped; a permanent refusal (HTTP 4xx, SMTP 5yz) is not retried. Negative
	// means no retry. With a Spool, batches are retried until delivered.
	MaxRetries int

	// Backoff spaces reconnects and retries. A peer's Retry-After (otlp) makes a wait
	// longer, never shorter.
	Backoff Backoff

	// CloseTimeout bounds how long Close waits for the held records to be delivered; what is
	// left then is counted in Stats().Dropped, reported, and Close's error wraps
	// ErrCloseTimeout (with a Spool it stays on disk instead, for the next run).
	CloseTimeout time.Duration

	// Spool, with a Dir, keeps the records on disk until delivered instead of in Buffer:
	// they survive a crash of the application and an outage as long as MaxBytes lasts.
	Spool Spool
}
