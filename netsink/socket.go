package netsink

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/slogx/handlers/slogx"
)

// ErrBufferFull is wrapped by the error Handle returns when the send buffer had no room for
// the record within SocketOptions.EnqueueTimeout; the record is dropped and counted.
var ErrBufferFull = errors.New("netsink: send buffer full")

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
	// the record. Zero means it never waits.
	EnqueueTimeout time.Duration

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
// buffer overflows (the new record is dropped, counted and Handle returns ErrBufferFull) or
// Close finds it still unacknowledged after FlushTimeout (counted as dropped). Across a
// collector process restart, records handled but not yet acknowledged are handled again
// (see Dedup).
//
// A Socket is safe for concurrent use; handlers derived with WithAttrs and WithGroup share
// its buffer, connection and counters.
type Socket struct {
	enc   *MsgpackEncoder
	level slog.Leveler
	st    *wireSocket
}

// wireQueued is one frame waiting for its ack.
type wireQueued struct {
	seq   uint64
	frame []byte // length prefix included
}

type wireSocket struct {
	addr     string
	opts     SocketOptions
	rep      *slogx.Reporter
	id       []byte
	maxFrame int
	buffer   int

	mu       sync.Mutex
	q        []wireQueued // unacknowledged frames, seq ascending, from qHead on
	qHead    int
	qBytes   int
	chunk    []byte // frames are copied here; a new chunk when full, old ones freed by GC
	nextSeq  uint64 // last sequence number given out
	ackedSeq uint64 // highest sequence number acknowledged
	sentSeq  uint64 // highest sequence number written on the current connection
	closed   bool
	space    chan struct{} // closed (and replaced) whenever records are acknowledged
	records  uint64        // acknowledged records
	bytes    uint64        // acknowledged bytes
	conns    uint64        // successful connections

	wake chan struct{}
	stop chan struct{}
	done chan struct{}
}

// NewSocket returns a Socket sending to addr ("host:port"). It does not connect: a Server
// that is down at start-up is not an error. opts.Encoder must be nil or an encoder from
// Msgpack: the wire format is fixed.
func NewSocket(addr string, o SocketOptions, opts *slogx.Options) (*Socket, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("netsink: socket address %q: %w", addr, err)
	}
	enc, err := wireEncoder(opts)
	if err != nil {
		return nil, err
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("netsink: socket sender id: %w", err)
	}
	st := &wireSocket{
		addr: addr, opts: o, rep: slogx.NewReporter(opts.ErrorFunc()), id: id,
		maxFrame: wireMaxFrame(o.MaxFrame), buffer: o.Buffer,
		space: make(chan struct{}),
		wake:  make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
	}
	if st.buffer <= 0 {
		st.buffer = DefaultSocketBuffer
	}
	go st.run()
	return &Socket{enc: enc, level: opts.MinLevel(), st: st}, nil
}

// wireEncoder resolves opts to the Msgpack encoder bound to AddSource and ReplaceAttr.
func wireEncoder(opts *slogx.Options) (*MsgpackEncoder, error) {
	e := opts.BuildEncoder(func() slogx.Encoder { return Msgpack() })
	me, ok := e.(*MsgpackEncoder)
	if !ok {
		return nil, fmt.Errorf("netsink: the wire format is msgpack: Options.Encoder must be nil or netsink.Msgpack(), not %T", e)
	}
	return me, nil
}

// Enabled reports whether level is at least the configured minimum level.
func (s *Socket) Enabled(_ context.Context, level slog.Level) bool {
	return level >= s.level.Level()
}

// Handle encodes r and appends it to the send buffer; it never waits for the network and
// waits at most EnqueueTimeout for buffer room. A record too large for MaxFrame, one that
// finds the buffer full, or one handled after Close is dropped, counted and reported, and
// the error is returned.
func (s *Socket) Handle(_ context.Context, r slog.Record) error {
	buf := slogx.GetBuffer()
	defer slogx.PutBuffer(buf)
	b := append((*buf)[:0], 0, 0, 0, 0)
	b, seqOff := s.enc.appendRecord(b, r, s.st.id, true)
	*buf = b
	n := len(b) - 4
	if n > s.st.maxFrame {
		err := fmt.Errorf("netsink: socket %s: record of %d bytes: %w (limit %d)", s.st.addr, n, ErrFrameTooLarge, s.st.maxFrame)
		s.st.rep.Drop(1, err)
		return err
	}
	binary.BigEndian.PutUint32(b, uint32(n))
	return s.st.enqueue(b, seqOff)
}

// WithAttrs returns a Socket sharing s's connection whose records also carry as.
func (s *Socket) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return s
	}
	return &Socket{enc: s.enc.WithAttrs(as).(*MsgpackEncoder), level: s.level, st: s.st}
}

// WithGroup returns a Socket sharing s's connection whose later attributes are in group name.
func (s *Socket) WithGroup(name string) slog.Handler {
	if name == "" {
		return s
	}
	return &Socket{enc: s.enc.WithGroup(name).(*MsgpackEncoder), level: s.level, st: s.st}
}

// Stats returns the counters shared by s and the handlers derived from it: Records and Bytes
// count acknowledged records, Errors failed connection attempts and broken connections,
// Dropped records discarded (buffer full, too large, closed, unacknowledged at Close).
func (s *Socket) Stats() slogx.Stats {
	st := s.st
	st.mu.Lock()
	out := slogx.Stats{Records: st.records, Bytes: st.bytes}
	st.mu.Unlock()
	out.Errors = st.rep.Errors()
	out.Dropped = st.rep.Dropped()
	return out
}

// Pending returns how many records wait for their acknowledgement.
func (s *Socket) Pending() int {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	return len(s.st.q) - s.st.qHead
}

// Flush waits until every record accepted so far is acknowledged, or ctx is done.
func (s *Socket) Flush(ctx context.Context) error {
	st := s.st
	st.mu.Lock()
	target := st.nextSeq
	st.mu.Unlock()
	for {
		st.mu.Lock()
		ok, ch := st.ackedSeq >= target, st.space
		st.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-st.done:
			return fmt.Errorf("netsink: socket %s: flush after close: %w", st.addr, slogx.ErrClosed)
		case <-ctx.Done():
			return fmt.Errorf("netsink: socket %s: flush: %w", st.addr, ctx.Err())
		}
	}
}

// Close waits up to FlushTimeout for the buffered records to be acknowledged, then stops the
// sender goroutine and closes the connection. Records still unacknowledged are counted as
// dropped and reported. Close is idempotent; later records are dropped with slogx.ErrClosed.
func (s *Socket) Close() error {
	st := s.st
	st.mu.Lock()
	if st.closed {
		st.mu.Unlock()
		<-st.done
		return nil
	}
	st.closed = true
	close(st.space) // wake Handle calls waiting for room: they drop with ErrClosed
	st.space = make(chan struct{})
	st.mu.Unlock()
	ft := st.opts.FlushTimeout
	if ft <= 0 {
		ft = DefaultSocketFlushTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), ft)
	ferr := s.Flush(ctx)
	cancel()
	close(st.stop)
	<-st.done
	st.mu.Lock()
	left := len(st.q) - st.qHead
	st.mu.Unlock()
	if left > 0 {
		err := fmt.Errorf("netsink: socket %s: closed with %d unacknowledged records: %w", st.addr, left, ferr)
		st.rep.Drop(uint64(left), err)
		return err
	}
	return nil
}

// enqueue copies frame b into the buffer, its sequence number (at b[seqOff:]) assigned.
func (st *wireSocket) enqueue(b []byte, seqOff int) error {
	if len(b) > st.buffer {
		err := fmt.Errorf("netsink: socket %s: record of %d bytes larger than the %d-byte buffer: %w", st.addr, len(b), st.buffer, ErrBufferFull)
		st.rep.Drop(1, err)
		return err
	}
	var timer *time.Timer
	st.mu.Lock()
	for !st.closed && st.qBytes+len(b) > st.buffer {
		if st.opts.EnqueueTimeout <= 0 {
			break
		}
		if timer == nil {
			timer = time.NewTimer(st.opts.EnqueueTimeout)
			defer timer.Stop()
		}
		ch := st.space
		st.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			st.mu.Lock()
			goto full
		}
		st.mu.Lock()
	}
	if st.closed {
		st.mu.Unlock()
		err := fmt.Errorf("netsink: socket %s: %w", st.addr, slogx.ErrClosed)
		st.rep.Drop(1, err)
		return err
	}
	if st.qBytes+len(b) <= st.buffer {
		st.nextSeq++
		binary.BigEndian.PutUint64(b[seqOff:], st.nextSeq)
		if cap(st.chunk)-len(st.chunk) < len(b) {
			// Chunks start small (a thousand idle Sockets cost little) and grow to 64 KiB.
			st.chunk = make([]byte, 0, max(len(b), min(2*cap(st.chunk), 64<<10), 4<<10))
		}
		start := len(st.chunk)
		st.chunk = append(st.chunk, b...)
		st.q = append(st.q, wireQueued{seq: st.nextSeq, frame: st.chunk[start:len(st.chunk):len(st.chunk)]})
		st.qBytes += len(b)
		st.mu.Unlock()
		select {
		case st.wake <- struct{}{}:
		default:
		}
		return nil
	}
full:
	pending := len(st.q) - st.qHead
	st.mu.Unlock()
	err := fmt.Errorf("netsink: socket %s: %w (%d records, %d bytes unacknowledged)", st.addr, ErrBufferFull, pending, st.buffer)
	st.rep.Drop(1, err)
	return err
}

// ack frees every record up to seq.
func (st *wireSocket) ack(seq uint64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if seq <= st.ackedSeq {
		return
	}
	for st.qHead < len(st.q) && st.q[st.qHead].seq <= seq {
		f := st.q[st.qHead]
		st.q[st.qHead] = wireQueued{}
		st.qHead++
		st.qBytes -= len(f.frame)
		st.records++
		st.bytes += uint64(len(f.frame))
	}
	if st.qHead == len(st.q) {
		st.q, st.qHead = st.q[:0], 0
	} else if st.qHead > 1024 && st.qHead > len(st.q)/2 {
		n := copy(st.q, st.q[st.qHead:])
		clear(st.q[n:])
		st.q, st.qHead = st.q[:n], 0
	}
	st.ackedSeq = seq
	if st.sentSeq < seq {
		st.sentSeq = seq
	}
	close(st.space)
	st.space = make(chan struct{})
}
