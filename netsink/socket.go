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

// ErrBufferFull is slogx.ErrBufferFull, kept under this name for existing callers: the error
// Handle returns for a record that found the send buffer full (and, under slogx.Block, no room
// within EnqueueTimeout) wraps it; the record is dropped and counted in Stats().Dropped.
var ErrBufferFull = slogx.ErrBufferFull

// Defaults of SocketOptions.
const (
	DefaultSocketBuffer       = 8 << 20
	DefaultSocketWriteTimeout = 10 * time.Second
	DefaultSocketDialTimeout  = 5 * time.Second
	DefaultSocketFlushTimeout = 5 * time.Second
)

// SocketOptions configures a Socket. The zero value is usable: plain TCP, Python's backoff,
// an 8 MiB buffer.
type SocketOptions struct {
	// TLS, when set, wraps the connection in TLS with this configuration (ServerName
	// defaults to the host of addr).
	TLS *tls.Config

	// DialTimeout bounds one connection attempt; zero means DefaultSocketDialTimeout.
	DialTimeout time.Duration

	// WriteTimeout bounds one write of the sender goroutine; a write that takes longer
	// breaks the connection, which is then re-established and its unacknowledged records
	// replayed. Zero means DefaultSocketWriteTimeout. It never delays Handle.
	WriteTimeout time.Duration

	// Buffer is how many bytes of records (framed) may wait for their ack; zero means
	// DefaultSocketBuffer. Records that do not fit are dropped (newest first), counted in
	// Stats().Dropped and reported.
	Buffer int

	// MaxFrame is the largest record frame sent, length prefix excluded; zero means
	// DefaultMaxFrame. A larger record is dropped and counted. It should not exceed the
	// Server's MaxFrame: a Server closes the connection on a larger frame, and after three
	// connections in a row die on the same unacknowledged record the Socket drops that
	// record (counted and reported) so the records behind it are not held up for good.
	MaxFrame int

	// EnqueueTimeout is how long Handle may wait for room in a full buffer before it drops
	// the record, under Overflow slogx.Block. Zero means it never waits.
	EnqueueTimeout time.Duration

	// Overflow is what Handle does with a record that finds the buffer full: the zero value,
	// slogx.Block, waits up to EnqueueTimeout (not at all by default) and then drops it;
	// slogx.DropNewest drops it at once; slogx.DropOldest drops the oldest unacknowledged
	// records instead (counted and reported; they may still have reached the Server).
	Overflow slogx.Overflow

	// FlushTimeout bounds how long Close waits for the buffered records to be acknowledged;
	// zero means DefaultSocketFlushTimeout. Records still unacknowledged then are counted as
	// dropped.
	FlushTimeout time.Duration

	// Backoff is the reconnect schedule after a failed connection attempt or a broken
	// connection; the zero value is Python's (1 s, doubling, at most 30 s).
	Backoff Backoff

	// Now is the clock of the backoff schedule; nil means time.Now.
	Now func() time.Time
}

// Socket is Python's SocketHandler with delivery: records are encoded with Msgpack, framed
// with a 4-byte big-endian length and sent over TCP (or TLS) to a Server.
//
// Handle never does network I/O: it encodes the record and appends it to a bounded buffer;
// one sender goroutine connects (lazily, and again with Backoff after a failure), writes, and
// frees records only when the Server acknowledges them. After a reconnect it replays every
// unacknowledged record in order, and the Server drops the ones it had already handled, so
// a record accepted by Handle reaches the Server's handler once and in order — unless the
// buffer overflows (see Overflow: the record is dropped, counted and Handle returns an error
// wrapping ErrBufferFull), the collector keeps closing the connection on it (see MaxFrame), or
// Close finds it still unacknowledged after FlushTimeout (counted as dropped). Across a
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
	if !o.Overflow.Valid() {
		return nil, fmt.Errorf("netsink: socket %s: unknown overflow policy %v", addr, o.Overflow)
	}
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
	name := "netsink: socket " + addr
	var eng *deliver.Engine
	h, err := slogx.Open(&ho, func(rep *slogx.Reporter) (io.Writer, error) {
		buffer := o.Buffer
		if buffer <= 0 {
			buffer = DefaultSocketBuffer
		}
		ft := o.FlushTimeout
		if ft <= 0 {
			ft = DefaultSocketFlushTimeout
		}
		eng = deliver.New(&socketTransport{addr: addr, opts: &o, id: id}, rep, deliver.Options{
			Name:           name,
			Buffer:         buffer,
			Overflow:       o.Overflow,
			EnqueueTimeout: o.EnqueueTimeout,
			MaxBatchBytes:  wireMaxBatch,
			MaxRetries:     -1, // acknowledged delivery: retry until Close gives up
			CloseTimeout:   ft,
			Backoff:        o.Backoff.schedule(),
			Now:            o.Now,
			// Send writes the batch with one vectored write and keeps nothing.
			RecycleChunks: true,
			// The sequence number is known only once the record has its place in the buffer.
			Stamp: func(rec []byte, seq uint64) { binary.BigEndian.PutUint64(rec[seqOff:], seq) },
		})
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
