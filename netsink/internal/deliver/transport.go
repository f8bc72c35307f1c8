package deliver

import (
	"context"
	"errors"
	"time"
)

// A Transport makes connections to one peer. The engine calls it only from its sender
// goroutine, so it need not be safe for concurrent use.
type Transport interface {
	// Connect makes a connection. It should honour ctx, which the engine cancels when Close
	// gives up, and bound its own wait (a dial timeout). A failure is counted as an Error and
	// retried on the backoff schedule.
	Connect(ctx context.Context) (Conn, error)
}

// A Conn is one connection made by a Transport. Send is called from the sender goroutine
// only, one batch at a time.
type Conn interface {
	// Send sends every record of b, in order. It should bound its own wait (a write
	// deadline) and honour ctx. An error wrapped by Permanent refuses the batch: it is
	// counted as one Error and its records are discarded, and the connection is kept. Any
	// other error breaks the connection: it is closed and the records are sent again on the
	// next one (up to Options.MaxRetries). Send must not keep b or its records after it
	// returns.
	Send(ctx context.Context, b *Batch) error

	// Close closes the connection; for an Acker it must make ReadAcks return.
	Close() error
}

// An Acker is a Conn whose peer acknowledges records by sequence number. The engine then
// counts a record delivered only when acknowledged, and replays unacknowledged records after
// a reconnect.
type Acker interface {
	Conn
	// ReadAcks reads acknowledgements until the connection fails or is closed, calling ack
	// with every acknowledged sequence number (each one acknowledges every record up to it).
	// It runs on a goroutine of its own. The error it returns, if not nil, is reported and
	// counted; a peer that merely closed the connection should yield nil.
	ReadAcks(ack func(seq uint64)) error
}

// A Staler is a Conn that can tell, before a send, that its peer has closed it while it was
// idle (a syslog daemon restarting). The engine then closes it and connects again at once,
// without counting an error or waiting for the backoff.
type Staler interface {
	Conn
	Stale() bool
}

// A Batch is consecutive records handed to Conn.Send, oldest first.
type Batch struct {
	// First is the sequence number of Records[0]; record i has First+i.
	First uint64
	// Records are the buffered records, as written (and stamped). They are shared with the
	// engine's buffer: read-only, and valid only until Send returns.
	Records [][]byte
	// Spans are the same bytes as Records, in the fewest slices: records that lie next to
	// each other in the buffer (those written into one of its chunks) make one span. A
	// transport that writes the records as they are writes these: a vectored write of a
	// few slices instead of one per record (some 1,700 in a 256 KiB batch of Socket's)
	// took about a third off Socket's time in the kernel. The bytes are read-only and
	// valid only until Send returns;
	// Send may consume the slice itself (net.Buffers.WriteTo does): the engine builds it
	// again for every batch.
	Spans [][]byte
	// Bytes is the sum of the records' lengths.
	Bytes int
}

// Last returns the sequence number of the last record of b.
func (b *Batch) Last() uint64 { return b.First + uint64(len(b.Records)) - 1 }

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err, returned by Conn.Send, as one that retrying cannot fix (an HTTP 4xx, an
// SMTP 5yz reply): the batch is refused at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err was marked by Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// retryAfter marks a transient error whose peer asked for a minimum wait (HTTP Retry-After).
type retryAfter struct {
	err error
	d   time.Duration
}

func (r retryAfter) Error() string { return r.err.Error() }
func (r retryAfter) Unwrap() error { return r.err }

// RetryAfter marks err, returned by Conn.Send, as transient with a wait the peer asked for
// (an HTTP 503 or 429 with Retry-After): the next attempt comes no sooner than d after this
// one, later if the backoff schedule says so. It is still an ordinary failure otherwise,
// counted against MaxRetries.
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return retryAfter{err, d}
}

// retryDelay returns the wait err asked for through RetryAfter.
func retryDelay(err error) (time.Duration, bool) {
	var r retryAfter
	if errors.As(err, &r) {
		return r.d, true
	}
	return 0, false
}
