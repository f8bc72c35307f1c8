package netsink

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/slogx/handlers/netsink/internal/deliver"
	"github.com/slogx/handlers/netsink/internal/netaddr"
	"github.com/slogx/handlers/netsink/internal/wire"
	"github.com/slogx/handlers/slogx"
)

// SocketOptions configures a Socket. The zero value is usable: plain TCP, the Delivery
// defaults (an 8 MiB buffer, Python's backoff).
type SocketOptions struct {
	// TLS, when set, wraps the connection in TLS with this configuration (ServerName
	// defaults to the host of addr).
	TLS *tls.Config

	// DialTimeout bounds one connection attempt; zero means 5 s.
	DialTimeout time.Duration

	// WriteTimeout bounds one write of the sender goroutine; a write that takes longer
	// breaks the connection, which is then re-established and its unacknowledged records
	// replayed. Zero means 10 s. It never delays Handle.
	WriteTimeout time.Duration

	// MaxFrame is the largest record frame sent, length prefix excluded; zero means
	// DefaultMaxFrame. A larger record is dropped and counted. It should not exceed the
	// Server's MaxFrame: a Server closes the connection on a larger frame, and after three
	// connections in a row die on the same unacknowledged record the Socket drops that
	// record (counted and reported) so the records behind it are not held up for good.
	MaxFrame int

	// Delivery bounds the buffer of records waiting for their acknowledgement, and says
	// what a full buffer does, how batches form, the reconnect schedule and Close's bound.
	// MaxRetries zero means a batch is sent again until acknowledged.
	Delivery

	now func() time.Time // the backoff schedule's clock; nil means time.Now (tests)
}

// Socket is Python's SocketHandler with delivery: records are encoded with Msgpack, framed
// with a 4-byte big-endian length and sent over TCP (or TLS) to a Server.
//
// Handle never does network I/O: it encodes the record and appends it to a bounded buffer;
// one sender goroutine connects (lazily, and again with Backoff after a failure), writes, and
// frees records only when the Server acknowledges them. After a reconnect it replays every
// unacknowledged record in order, and the Server drops the ones it had already handled, so
// a record accepted by Handle reaches the Server's handler once and in order — unless the
// buffer overflows (see Delivery.Overflow: the record is dropped, counted and Handle returns
// an error wrapping slogx.ErrBufferFull), the collector keeps closing the connection on it
// (see MaxFrame), or Close finds it still unacknowledged after Delivery.CloseTimeout (counted
// as dropped; Close's error wraps ErrCloseTimeout). Across a
// collector process restart, records handled but not yet acknowledged are handled again
// (see Dedup).
//
// Stats: Records and Bytes count acknowledged records, Errors failed connection attempts and
// broken connections, Dropped records discarded (buffer full, too large, closed,
// unacknowledged at Close).
//
// A Socket is safe for concurrent use; handlers derived with WithAttrs and WithGroup share
// its buffer, connection and counters.
type Socket struct {
	*slogx.Handler
	eng *deliver.Engine
}

// NewSocket returns a Socket sending to addr ("host:port"). It does not connect: a Server
// that is down at start-up is not an error. opts.Encoder must be nil: the wire
// format is fixed.
func NewSocket(addr string, o SocketOptions, opts *slogx.Options) (*Socket, error) {
	if _, err := netaddr.ValidateHostPort("socket", "tcp", addr); err != nil {
		return nil, err
	}
	me, err := wireEncoder(opts)
	if err != nil {
		return nil, err
	}
	name := "netsink: socket " + addr
	eo, err := deliver.FromDelivery(name, o.Delivery, deliver.Defaults{
		MaxRetries: -1, // acknowledged delivery: retry until Close gives up
	})
	if err != nil {
		return nil, err
	}
	eo.Now = o.now
	eo.RecycleChunks = true // Send writes the batch with one vectored write and keeps nothing.
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("netsink: socket sender id: %w", err)
	}
	enc := &socketEncoder{me: me, id: id}
	var ho slogx.Options
	if opts != nil {
		ho = *opts
	}
	ho.Encoder, ho.NoTerminator = enc, true // the frame is the encoder's whole output
	seqOff := enc.seqOffset()
	// The sequence number is known only once the record has its place in the buffer.
	eo.Stamp = func(rec []byte, seq uint64) { binary.BigEndian.PutUint64(rec[seqOff:], seq) }
	// With a spool, the sender id is the spool's: a Server's Dedup knows this sender again
	// after a restart, and drops what the new run sends again. It is set before the engine
	// connects and before any frame is encoded.
	eo.SenderID = func(sid [16]byte) { copy(id, sid[:]) }
	var eng *deliver.Engine
	h, err := slogx.Open(&ho, func(rep *slogx.Reporter) (io.Writer, error) {
		var err error
		if eng, err = deliver.Open(&socketTransport{addr: addr, opts: &o, id: id}, rep, eo); err != nil {
			return nil, err
		}
		return &socketWriter{Engine: eng, name: name, maxFrame: wire.MaxFrame(o.MaxFrame)}, nil
	})
	if err != nil {
		return nil, err
	}
	return &Socket{Handler: h, eng: eng}, nil
}

// wireEncoder is the wire encoder of a Socket or Datagram: the format is fixed, so
// opts.Encoder must be nil.
func wireEncoder(opts *slogx.Options) (*wire.Encoder, error) {
	if opts != nil && opts.Encoder != nil {
		return nil, fmt.Errorf("netsink: the wire format is msgpack: Options.Encoder must be nil, not %T", opts.Encoder)
	}
	return wire.New(), nil
}

// Pending returns how many records wait for their acknowledgement.
func (s *Socket) Pending() int { return s.eng.Pending() }

// socketWriter is the engine with the one check the engine cannot make: the frame limit.
type socketWriter struct {
	*deliver.Engine
	name     string
	maxFrame int
}

// Write drops a frame over MaxFrame (a Server would close the connection on it) and hands
// the others to the engine.
func (w *socketWriter) Write(p []byte) (int, error) {
	if n := len(p) - 4; n > w.maxFrame {
		return 0, fmt.Errorf("%s: record of %d bytes: %w (limit %d): %w", w.name, n, wire.ErrFrameTooLarge, w.maxFrame, slogx.ErrDropped)
	}
	return w.Engine.Write(p)
}
