package netsink

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slogx/handlers/netsink/internal/wire"
	"github.com/slogx/handlers/slogx"
)

// ErrServerClosed is returned by Serve and ServePacket after Shutdown or Close.
var ErrServerClosed = errors.New("netsink: server closed")

// Defaults of Server.
const (
	DefaultServerMaxConns          = 1024
	DefaultServerReadTimeout       = 5 * time.Minute
	DefaultServerWriteTimeout      = 10 * time.Second
	DefaultServerFirstFrameTimeout = 5 * time.Second
)

// Server receives records sent by Socket (stream) and Datagram (packet) handlers — and, with
// AcceptPickle, by Python's logging.handlers.SocketHandler and DatagramHandler — and hands
// each one to Handler with its original time, level, message and attributes. It is the
// collector side of the wire format; the zero value plus a Handler is ready to use.
//
// Delivery: a frame from a Socket carries a sender id and a sequence number. The Server
// handles it unless Dedup says that sequence number was already handled, then, each time it
// has drained what the connection sent (a batch), writes one ack frame {"id","ack":seq}
// meaning "everything up to seq is handled". A Socket frees records only when acked and
// replays the rest after a reconnect, so records are handled exactly once while the Dedup
// state lives (see Dedup), at least once across a collector process restart.
//
// Bad input never stops the Server: a frame that is too large or does not decode closes
// that connection (what follows it cannot be trusted) or drops that datagram, and is counted
// per reason in Stats and reported to OnError. A pickle frame that is refused
// (ErrPickleRefused) with AcceptPickle on is well formed, so only that frame is skipped:
// the connection goes on.
type Server struct {
	// Handler receives every record. Required. Its errors are counted (HandlerErrors) and
	// reported; the record still counts as handled, since replaying it would not help.
	Handler slog.Handler

	// MaxFrame is the largest accepted frame, length prefix excluded; zero means
	// DefaultMaxFrame.
	MaxFrame int

	// AcceptPickle also accepts Python's SocketHandler and DatagramHandler frames (a pickled
	// LogRecord dict) through a pickle interpreter that never executes anything: plain
	// data, plus an allowlist of types read from their reductions (see ErrPickleRefused).
	// Off, pickle frames are refused (counted in Refused).
	AcceptPickle bool

	// MaxDecodeBytes bounds the bytes of frames being decoded and handled at once, across
	// all stream and packet connections; zero means DefaultServerMaxDecodeBytes (64 MiB). A
	// connection whose next frame does not fit waits, in order of arrival, until frames
	// before it are handled: it is neither dropped nor closed, and its sender, unacked,
	// holds its records meanwhile. A frame larger than the bound is handled alone. Decoding
	// a frame allocates at most 8 bytes per byte of it plus 4 KiB (more is refused, see
	// ServerStats.TooDense), so the records being decoded and handled hold at most about
	// 8 x MaxDecodeBytes, whatever the senders (see the README's Security section).
	MaxDecodeBytes int64

	// MaxConns limits concurrent stream connections; zero means DefaultServerMaxConns. When
	// every slot is taken, a new connection evicts the connection that has been waiting
	// longest for its next frame (counted in Evicted), so connections that hold a slot and
	// send nothing cannot lock real senders out. An evicted Socket has had everything it
	// sent acknowledged and reconnects when it has more. A new connection waits for a slot
	// only while every connection is busy handling a frame.
	MaxConns int

	// ReadTimeout is how long a connection may stay silent between frames before it is
	// closed; zero means DefaultServerReadTimeout.
	ReadTimeout time.Duration

	// FirstFrameTimeout is how long a new connection may take to send its first complete
	// frame before it is closed (counted in FirstFrameTimeouts); zero means
	// DefaultServerFirstFrameTimeout. Socket and Python's SocketHandler connect when they
	// have a record to send, so only a connection that means no record waits longer. It is
	// never longer than ReadTimeout.
	FirstFrameTimeout time.Duration

	// WriteTimeout bounds the write of an ack frame; zero means DefaultServerWriteTimeout.
	WriteTimeout time.Duration

	// Dedup is the duplicate filter; nil means a private NewDedup(DefaultMaxSenders). Share
	// one between Servers (or successive Servers of a restarted listener) to keep exactly-
	// once delivery across them.
	Dedup *Dedup

	// OnError receives every error (bad frame, failed ack, handler error); nil means a
	// rate-limited report on standard error.
	OnError func(error)

	initOnce sync.Once
	rep      *slogx.Reporter
	dedup    *Dedup
	sem      chan struct{}
	gate     *decodeGate
	abort    chan struct{} // closed when connections are closed without a graceful end
	abortOne sync.Once
	idle     chan struct{} // a connection became evictable: an acceptor waiting for a slot retries
	done     chan struct{}

	mu        sync.Mutex
	closing   bool
	listeners map[net.Listener]struct{}
	packets   map[net.PacketConn]struct{}
	conns     map[net.Conn]*wireServerConn
	wg        sync.WaitGroup

	stats wireServerCounters
}

// ServerStats counts what a Server did, per reason. Counters only grow.
type ServerStats struct {
	Conns      uint64 // stream connections accepted
	Records    uint64 // records handed to Handler
	Duplicates uint64 // frames already handled, dropped
	Acks       uint64 // ack frames written
	TooLarge   uint64 // frames over MaxFrame
	Malformed  uint64 // frames that did not decode (TooDense aside)
	// TooDense counts frames refused because decoding them would allocate more than 8
	// bytes per byte of frame (plus 4 KiB): valid msgpack, denser than any record a sender
	// writes. Like a malformed frame, one closes its connection.
	TooDense      uint64
	Refused       uint64 // pickle frames refused and skipped (see ErrPickleRefused)
	HandlerErrors uint64 // errors returned by Handler
	ConnErrors    uint64 // read, write and timeout errors of connections (EOF excluded)
	// FirstFrameTimeouts counts connections closed because no frame came within
	// FirstFrameTimeout (not counted in ConnErrors).
	FirstFrameTimeouts uint64
	// Evicted counts idle connections closed to give their slot to a new connection.
	Evicted uint64
}

type wireServerCounters struct {
	conns, records, duplicates, acks, tooLarge, malformed, refused, handlerErrors, connErrors atomic.Uint64
	firstFrameTimeouts, evicted, tooDense                                                     atomic.Uint64
}

// Stats returns the counters.
func (s *Server) Stats() ServerStats {
	c := &s.stats
	return ServerStats{
		Conns: c.conns.Load(), Records: c.records.Load(), Duplicates: c.duplicates.Load(),
		Acks: c.acks.Load(), TooLarge: c.tooLarge.Load(), Malformed: c.malformed.Load(),
		Refused: c.refused.Load(), HandlerErrors: c.handlerErrors.Load(), ConnErrors: c.connErrors.Load(),
		FirstFrameTimeouts: c.firstFrameTimeouts.Load(), Evicted: c.evicted.Load(), TooDense: c.tooDense.Load(),
	}
}

func (s *Server) init() {
	s.initOnce.Do(func() {
		s.rep = slogx.NewReporter(s.OnError)
		s.dedup = s.Dedup
		if s.dedup == nil {
			s.dedup = NewDedup(DefaultMaxSenders)
		}
		n := s.MaxConns
		if n <= 0 {
			n = DefaultServerMaxConns
		}
		s.sem = make(chan struct{}, n)
		s.gate = newDecodeGate(s.MaxDecodeBytes)
		s.abort = make(chan struct{})
		s.idle = make(chan struct{}, 1)
		s.done = make(chan struct{})
		s.listeners = map[net.Listener]struct{}{}
		s.packets = map[net.PacketConn]struct{}{}
		s.conns = map[net.Conn]*wireServerConn{}
	})
}

// track registers a goroutine that Shutdown and Close wait for, and the resource they close
// to stop it, in one step: a Close in between would miss the resource and wait forever.
// It returns false once closing.
func (s *Server) track(register func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.wg.Add(1)
	register()
	return true
}

// Serve accepts connections on l and serves each in its own goroutine until Shutdown or
// Close, then returns ErrServerClosed; any other Accept error is returned as is (temporary
// ones are retried). l is closed when Serve returns.
func (s *Server) Serve(l net.Listener) error {
	s.init()
	if s.Handler == nil {
		l.Close()
		return errors.New("netsink: Server.Handler is nil")
	}
	if !s.track(func() { s.listeners[l] = struct{}{} }) {
		l.Close()
		return ErrServerClosed
	}
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
		l.Close()
	}()
	var delay time.Duration
	for {
		c, err := l.Accept()
		if err != nil {
			if s.isClosing() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded) {
				// The http.Server rule: back off on temporary accept errors (EMFILE...).
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				select {
				case <-time.After(delay):
				case <-s.done:
					return ErrServerClosed
				}
				continue
			}
			return fmt.Errorf("netsink: accept: %w", err)
		}
		delay = 0
		if !s.acquireSlot() {
			c.Close()
			return ErrServerClosed
		}
		sc := &wireServerConn{s: s, c: c}
		sc.idleSince.Store(time.Now().UnixNano()) // evictable until its first frame arrives
		if !s.track(func() { s.conns[c] = sc }) {
			<-s.sem
			c.Close()
			return ErrServerClosed
		}
		s.stats.conns.Add(1)
		go sc.serve()
	}
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// Shutdown stops the Server gracefully: it closes the listeners and packet connections, lets
// every connection finish the frame it is handling and send its last ack, then half-closes
// it and, for up to a second or until the peer closes, still handles every complete frame
// without a sequence number that arrives (Python's SocketHandler does not see the
// half-close and keeps sending; a Socket replays its sequenced frames elsewhere). It waits
// for the connections until ctx is done, when it closes the rest and returns ctx.Err().
// Like http.Server.Shutdown, it does not wait for Serve's caller.
func (s *Server) Shutdown(ctx context.Context) error {
	s.init()
	s.mu.Lock()
	s.stopLocked()
	for _, sc := range s.conns {
		sc.stop() // wake a blocked read: the connection acks what it handled and closes
	}
	s.mu.Unlock()
	waited := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(waited)
	}()
	select {
	case <-waited:
		return nil
	case <-ctx.Done():
		s.abortWaits()
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		<-waited
		return ctx.Err()
	}
}

// Close stops the Server at once: listeners, packet connections and stream connections are
// closed without a last ack (records handled since the previous ack are replayed by their
// Socket, and dropped by Dedup if it is shared with the next Server). It waits for the
// connection goroutines to return.
func (s *Server) Close() error {
	s.init()
	s.abortWaits()
	s.mu.Lock()
	s.stopLocked()
	for c, sc := range s.conns {
		sc.stopping.Store(true)
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// abortWaits wakes the connections waiting for room to decode a frame: the Server is
// closing them.
func (s *Server) abortWaits() { s.abortOne.Do(func() { close(s.abort) }) }

func (s *Server) stopLocked() {
	if !s.closing {
		s.closing = true
		close(s.done)
	}
	for l := range s.listeners {
		l.Close()
	}
	for pc := range s.packets {
		pc.Close()
	}
}

func (s *Server) maxFrame() int { return wire.MaxFrame(s.MaxFrame) }

func (s *Server) readTimeout() time.Duration {
	if s.ReadTimeout <= 0 {
		return DefaultServerReadTimeout
	}
	return s.ReadTimeout
}

func (s *Server) firstFrameTimeout() time.Duration {
	if s.FirstFrameTimeout <= 0 {
		return min(DefaultServerFirstFrameTimeout, s.readTimeout())
	}
	return min(s.FirstFrameTimeout, s.readTimeout())
}

func (s *Server) writeTimeout() time.Duration {
	if s.WriteTimeout <= 0 {
		return DefaultServerWriteTimeout
	}
	return s.WriteTimeout
}

// wireAckBytes is how many bytes of sequenced frames a connection handles at most between two
// acks: an ack (a 30-byte write) per 64 KiB costs nothing next to the records, and frees a
// Socket's buffer long before it fills.
const wireAckBytes = 64 << 10

// wireServerConn is one stream connection being served.
type wireServerConn struct {
	s        *Server
	c        net.Conn
	stopping atomic.Bool
	// idleSince is when the connection started waiting for its next frame (unix ns), zero
	// while it reads or handles one: the eviction order.
	idleSince atomic.Int64
	evicted   atomic.Bool // closed by acquireSlot: its errors are not errors
}

func (sc *wireServerConn) stop() {
	sc.stopping.Store(true)
	_ = sc.c.SetReadDeadline(time.Now())
}

func (sc *wireServerConn) serve() {
	s := sc.s
	defer func() {
		sc.c.Close()
		s.mu.Lock()
		delete(s.conns, sc.c)
		s.mu.Unlock()
		<-s.sem
		s.wg.Done()
	}()
	br := bufio.NewReaderSize(sc.c, 16<<10)
	fr := &wireFrameReader{r: br}
	dec := wire.NewDec() // the connection's own: its string table learns this sender's strings
	acks := &wireAcks{sc: sc}
	max := s.maxFrame()
	framed := false
	peeked := 0 // bytes of the frame being handled in br's buffer, consumed next round
	for {
		// A batch ends when everything the peer sent so far is handled: ack it before
		// blocking for more. A sender that never lets the reader drain (a steady stream:
		// frames straddle every read) is acked every wireAckBytes as well, or its buffer
		// would fill waiting for an ack while the Server is busy with its records.
		if peeked > 0 {
			_, _ = br.Discard(peeked) // the frame handled in place last time: consume it
			peeked = 0
		}
		drained := br.Buffered() == 0
		if drained || acks.unacked >= wireAckBytes {
			if !acks.flush() {
				return
			}
			if drained {
				sc.markIdle() // only a connection with nothing left to handle is idle
			}
		}
		if sc.stopping.Load() {
			if acks.flush() {
				sc.linger(fr, dec, max)
			}
			return
		}
		timeout := s.readTimeout()
		if !framed {
			timeout = s.firstFrameTimeout()
		}
		var buf []byte
		var err error
		buf, peeked, err = sc.next(br, fr, max, timeout)
		sc.idleSince.Store(0)
		if err != nil {
			switch sc.readFailed(err, framed, timeout) {
			case wireEndLinger:
				if acks.flush() {
					sc.linger(fr, dec, max)
				}
			case wireEndFlush:
				acks.flush()
			}
			return
		}
		framed = true
		var h wire.Header
		last, err := s.handleFrameWith(dec, buf, &h)
		if err != nil {
			if err == errDecodeAborted {
				return // Close: the frame stays unacknowledged, its Socket replays it
			}
			s.rep.Error(fmt.Errorf("netsink: server: from %s: %w", sc.c.RemoteAddr(), err))
			if errors.Is(err, ErrPickleRefused) && s.AcceptPickle {
				continue // a whole, well-formed frame: the next one starts right after it
			}
			acks.flush()
			return
		}
		if h.HasSeq && !acks.handled(h.ID, last, len(buf)) {
			return
		}
	}
}

// next returns the next frame's payload. When the whole frame is in br it is decoded there,
// without copying it out and without a read deadline (it cannot time out); it stays valid
// until br is read again, after it was handled and acked as needed, and peeked says how many
// bytes to discard then. Only a read that may block sets the deadline: setting it for every
// frame (a clock read and a runtime timer update) cost a tenth of a record's handling.
func (sc *wireServerConn) next(br *bufio.Reader, fr *wireFrameReader, max int, timeout time.Duration) (buf []byte, peeked int, err error) {
	if p := fr.ready(br, max); p != nil {
		return p[4:], len(p), nil
	}
	_ = sc.c.SetReadDeadline(time.Now().Add(timeout))
	buf, err = fr.next(max)
	return buf, 0, err
}

// wireEnd says how a connection ends after a failed read.
type wireEnd int

const (
	wireEndFlush  wireEnd = iota // ack what was handled, then close
	wireEndNow                   // close: nothing can or need be acked
	wireEndLinger                // Shutdown: ack, then handle the frames still arriving
)

// readFailed counts and reports why reading a frame failed (framed: a frame was read
// before; timeout: the deadline that applied) and says how the connection ends.
func (sc *wireServerConn) readFailed(err error, framed bool, timeout time.Duration) wireEnd {
	s := sc.s
	switch {
	case errors.Is(err, wire.ErrFrameTooLarge):
		s.stats.tooLarge.Add(1)
		s.rep.Error(fmt.Errorf("netsink: server: from %s: %w", sc.c.RemoteAddr(), err))
	case sc.evicted.Load():
		return wireEndNow // its slot went to a newer connection; nothing was pending
	case !framed && !sc.stopping.Load() && errors.Is(err, os.ErrDeadlineExceeded):
		s.stats.firstFrameTimeouts.Add(1)
		s.rep.Error(fmt.Errorf("netsink: server: %s sent no frame within %v: closed", sc.c.RemoteAddr(), timeout))
		return wireEndNow
	case err == io.EOF:
	case sc.stopping.Load():
		return wireEndLinger // Shutdown woke the read, or Close cut the connection: not an error
	default:
		s.stats.connErrors.Add(1)
		s.rep.Error(fmt.Errorf("netsink: server: read from %s: %w", sc.c.RemoteAddr(), err))
	}
	return wireEndFlush
}

// wireAcks is what a connection owes its sender: the last sequence number handled and not
// yet acknowledged, and how many bytes of sequenced frames that covers.
type wireAcks struct {
	sc      *wireServerConn
	buf, id []byte
	seq     uint64
	pending bool
	unacked int
}

// handled records that the sender id's frame up to seq (n bytes) was handled; a frame of
// another sender first acks the previous one. It reports false when that ack failed.
func (a *wireAcks) handled(id []byte, seq uint64, n int) bool {
	if !a.pending || string(a.id) != string(id) {
		if a.pending && !a.flush() {
			return false
		}
		a.id = append(a.id[:0], id...)
	}
	a.seq, a.pending = seq, true
	a.unacked += n
	return true
}

// flush writes the pending ack, if any. It reports false when the connection is unusable.
func (a *wireAcks) flush() bool {
	a.unacked = 0
	if !a.pending {
		return true
	}
	a.pending = false
	sc, s := a.sc, a.sc.s
	a.buf = wire.AppendAck(a.buf[:0], a.id, a.seq)
	_ = sc.c.SetWriteDeadline(time.Now().Add(s.writeTimeout()))
	if _, err := sc.c.Write(a.buf); err != nil {
		if sc.stopping.Load() || sc.evicted.Load() {
			return false // Close cut the connection: the Socket replays, Dedup drops
		}
		s.stats.connErrors.Add(1)
		s.rep.Error(fmt.Errorf("netsink: server: ack to %s: %w", sc.c.RemoteAddr(), err))
		return false
	}
	s.stats.acks.Add(1)
	return true
}

// handleFrame decodes one frame and hands its record to Handler unless it is a duplicate.
// It returns the delivery header and, for a sequenced frame, the sender's last handled
// sequence number; an error means the frame was bad (already counted).
func (s *Server) handleFrame(p []byte) (wire.Header, uint64, error) {
	dec := wire.DecPool.Get().(*wire.Dec)
	defer wire.DecPool.Put(dec)
	var h wire.Header
	last, err := s.handleFrameWith(dec, p, &h)
	return h, last, err
}

// handleFrameWith is handleFrame decoding with dec, a stream connection's own decoder, the
// header into *h. The record stays in its frame here and goes by pointer (to decodeFrame,
// deliver, handle), like the header: a slog.Record is some 300 bytes, copied at every call
// and return that takes it by value.
//
// It holds len(p) bytes of MaxDecodeBytes from before decoding until Handler returned: the
// record's memory is live until then. Not deferred: a defer here cost a tenth of the
// Server's work per record.
func (s *Server) handleFrameWith(dec *wire.Dec, p []byte, h *wire.Header) (uint64, error) {
	n := s.gate.frameWeight(p)
	if !s.gate.acquire(n, s.abort) {
		return 0, errDecodeAborted
	}
	var rec slog.Record
	if err := s.decodeFrame(dec, p, &rec, h); err != nil {
		s.gate.release(n)
		return 0, err
	}
	last := s.deliver(&rec, h)
	s.gate.release(n)
	return last, nil
}

// decodeFrame decodes a msgpack or (with AcceptPickle) pickle frame with dec into rec and
// h; an error means the frame was bad, and is counted. h.ID aliases p.
func (s *Server) decodeFrame(dec *wire.Dec, p []byte, rec *slog.Record, h *wire.Header) (err error) {
	switch wire.Detect(p) {
	case wire.KindMsgpack:
		err = dec.RecordInto(p, rec, h)
	case wire.KindPickle:
		if !s.AcceptPickle {
			s.stats.refused.Add(1)
			return fmt.Errorf("%w: a pickle frame (Python's SocketHandler?) but AcceptPickle is off", ErrPickleRefused)
		}
		*rec, err = pickleRecord(p, pickleExpansion(len(p), s.maxFrame()))
	default:
		err = wire.Malformed("neither a msgpack record nor a pickle (first byte %#x)", p[:min(len(p), 1)])
	}
	if err != nil {
		if errors.Is(err, ErrPickleRefused) {
			s.stats.refused.Add(1)
		} else if errors.Is(err, wire.ErrTooDense) {
			s.stats.tooDense.Add(1)
		} else {
			s.stats.malformed.Add(1)
		}
	}
	if !h.HasSeq || len(h.ID) == 0 {
		h.HasSeq = false // an id without seq, or a seq without id, acks nothing
	}
	return err
}

// deliver hands a decoded record to Handler unless Dedup says it is a duplicate, and returns
// the sender's last handled sequence number (zero for an unsequenced frame).
func (s *Server) deliver(rec *slog.Record, h *wire.Header) uint64 {
	if !h.HasSeq {
		s.handle(rec)
		return 0
	}
	snd := s.dedup.sender(h.ID)
	// Unlocked without a defer (a tenth of this function's cost): a Handler that panics
	// ends the process, the connection's goroutine recovers nothing.
	snd.mu.Lock()
	if last := snd.last; h.Seq <= last {
		snd.mu.Unlock()
		s.stats.duplicates.Add(1)
		return last
	}
	s.handle(rec)
	snd.last = h.Seq
	snd.mu.Unlock()
	return h.Seq
}

func (s *Server) handle(rec *slog.Record) {
	ctx := context.Background()
	if !s.Handler.Enabled(ctx, rec.Level) {
		return
	}
	s.stats.records.Add(1)
	if err := s.Handler.Handle(ctx, *rec); err != nil {
		s.stats.handlerErrors.Add(1)
		s.rep.Error(fmt.Errorf("netsink: server: handler: %w", err))
	}
}
