package forwardtest

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/slogx/handlers/netsink/forward/internal/fluentwire"
	"github.com/slogx/handlers/netsink/internal/testpeer"
)

// DefaultMaxMessage is the largest message a Server reads when Options.MaxMessage is zero,
// on the wire and again once decompressed.
const DefaultMaxMessage = 64 << 20

// Options configure a Server. The zero value serves Forward without authentication on a new
// TCP port of 127.0.0.1.
type Options struct {
	// SharedKey, when set, opens every connection with the shared-key handshake (HELO) and
	// refuses a client that does not prove the same key.
	SharedKey string
	// Users, with SharedKey, also asks each client for a user name and password (HELO's auth
	// salt): the map holds each user's password.
	Users map[string]string
	// Hostname is the server's name in PONG; default "forwardtest".
	Hostname string
	// ProveKey is the key PONG's digest proves to the client; default SharedKey. Another key
	// tests a client's check that the server knows the key.
	ProveKey string
	// Listener, when set, is served instead of a new loopback TCP listener (a unix socket,
	// a listener of one's own); the Server closes it.
	Listener net.Listener
	// TLS serves TLS with a self-signed certificate for localhost and the loopback
	// addresses; TLSConfig returns what a client needs to trust it.
	TLS bool
	// MaxMessage bounds one message in bytes, on the wire and decompressed; zero means
	// DefaultMaxMessage. A message over it ends its connection, its error kept in Errors.
	MaxMessage int
}

// Entry is one event a Server received.
type Entry struct {
	Tag  string
	Time time.Time // EventTime to the nanosecond, or integer seconds; zero when sent as 0
	// Record is the event's map: integers as int64 (uint64 past MaxInt64), floats as
	// float64, str as string, bin as []byte, arrays as []any, maps as map[string]any, and
	// EventTime or msgpack timestamps as time.Time.
	Record map[string]any
}

// Message describes one Forward message a Server received.
type Message struct {
	Tag        string
	Mode       string // ModeMessage, ModeForward, ModePackedForward or ModeCompressedPackedForward
	Entries    int    // events it carried
	Size       int    // the option's "size", -1 when absent
	Chunk      string // the option's "chunk": the id it was acknowledged with
	Compressed string // the option's "compressed"
	Bytes      int    // its length on the wire
}

// Server is a Fluent Forward server for tests. Its methods are safe for concurrent use.
type Server struct {
	o     Options
	max   int
	l     net.Listener
	tb    testing.TB  // nil when started by Start
	tls   *tls.Config // what a client trusts, with Options.TLS
	wg    sync.WaitGroup
	done  chan struct{}
	close sync.Once

	entries testpeer.Log[Entry]
	msgs    testpeer.Log[Message]
	errs    testpeer.Log[error]

	mu        sync.Mutex
	open      map[net.Conn]struct{}
	conns     int
	nmsgs     int
	refuse    int
	dropAfter int
	drop      int
	noAck     bool
	ackDelay  time.Duration
	reply     func(n int, chunk string) []byte
}

// NewServer starts a Server for the test tb on a free port of 127.0.0.1 (or o.Listener),
// and closes it when tb and its subtests end. It fails tb if it cannot listen.
func NewServer(tb testing.TB, o Options) *Server {
	tb.Helper()
	s, err := start(o, tb)
	if err != nil {
		tb.Fatalf("forwardtest: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Start starts a Server outside a test (a demo, an example, a program's own checks); the
// caller closes it.
func Start(o Options) (*Server, error) { return start(o, nil) }

func start(o Options, tb testing.TB) (*Server, error) {
	l := o.Listener
	if l == nil {
		var err error
		if l, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("listen: %w", err)
		}
	}
	var clientTLS *tls.Config
	if o.TLS {
		cert, pool, err := testpeer.SelfSigned()
		if err != nil {
			l.Close()
			return nil, err
		}
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}})
		clientTLS = &tls.Config{RootCAs: pool}
	}
	if o.Hostname == "" {
		o.Hostname = "forwardtest"
	}
	if o.ProveKey == "" {
		o.ProveKey = o.SharedKey
	}
	s := &Server{o: o, max: o.MaxMessage, l: l, tb: tb, tls: clientTLS, done: make(chan struct{}), open: map[net.Conn]struct{}{}}
	if s.max <= 0 {
		s.max = DefaultMaxMessage
	}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr returns the server's address: host:port, or a unix socket's path.
func (s *Server) Addr() string { return s.l.Addr().String() }

// TLSConfig returns a client configuration trusting the server's certificate (with
// Options.TLS), or nil.
func (s *Server) TLSConfig() *tls.Config {
	if s.tls == nil {
		return nil
	}
	return s.tls.Clone()
}

// Close stops accepting, closes every connection and waits for their goroutines; a held
// acknowledgement is abandoned. It is idempotent.
func (s *Server) Close() {
	s.close.Do(func() {
		close(s.done)
		s.l.Close()
		s.mu.Lock()
		for c := range s.open {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
}

// Entries returns the events received so far, in arrival order (a connection's in its
// order; connections interleave by message).
func (s *Server) Entries() []Entry { return s.entries.All() }

// WaitEntries waits until at least n events arrived and returns them all. Under a test it
// fails the test (call it on the test's goroutine) shortly before the test binary's
// deadline, or if the server is closed first; a server from Start waits until n arrived or
// it is closed.
func (s *Server) WaitEntries(n int) []Entry {
	if s.tb != nil {
		s.tb.Helper()
	}
	return s.entries.Wait(s.tb, n, s.done, "forward entries")
}

// Messages returns the messages received so far: one per PackedForward batch.
func (s *Server) Messages() []Message { return s.msgs.All() }

// Errors returns why connections ended other than by the client closing them between
// messages: undecodable or oversized messages, failed handshakes. Under a test each is also
// logged with tb.Logf.
func (s *Server) Errors() []error { return s.errs.All() }

// Connections returns how many connections were accepted, those refused included.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Refuse closes the next n connections as soon as they are accepted, before any byte: a
// server restarting.
func (s *Server) Refuse(n int) {
	s.mu.Lock()
	s.refuse = n
	s.mu.Unlock()
}

// Drop lets the next after messages through as usual, then reads each of the following n
// and closes its connection without acknowledging it or recording its entries: a server
// that died before handing the batch on.
func (s *Server) Drop(after, n int) {
	s.mu.Lock()
	s.dropAfter, s.drop = after, n
	s.mu.Unlock()
}

// SetNoAck makes the server record messages but never acknowledge them (on) or resume
// acknowledging (off).
func (s *Server) SetNoAck(on bool) {
	s.mu.Lock()
	s.noAck = on
	s.mu.Unlock()
}

// SetAckDelay holds every acknowledgement for d after its message was read: a slow server.
func (s *Server) SetAckDelay(d time.Duration) {
	s.mu.Lock()
	s.ackDelay = d
	s.mu.Unlock()
}

// SetReply installs a hook that may answer message n (counted from 1 across connections,
// dropped ones excluded) with bytes of its own instead of the acknowledgement of chunk: an
// ack for another chunk, garbage, a reply that never ends. Returning nil acknowledges as
// usual. The hook runs on the connection's goroutine.
func (s *Server) SetReply(f func(n int, chunk string) []byte) {
	s.mu.Lock()
	s.reply = f
	s.mu.Unlock()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.l.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns++
		refused := s.refuse > 0
		if refused {
			s.refuse--
		} else {
			s.open[c] = struct{}{}
		}
		s.mu.Unlock()
		if refused {
			c.Close()
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			// The error is kept before the client sees the connection end, so a test that
			// saw it end finds the error.
			if err := s.serve(c); err != nil && !clean(err) {
				s.errs.Add(err)
				if s.tb != nil {
					s.tb.Logf("forwardtest: connection from %s: %v", c.RemoteAddr(), err)
				}
			}
			c.Close()
			s.mu.Lock()
			delete(s.open, c)
			s.mu.Unlock()
		}()
	}
}

// clean reports whether err is a connection ending rather than a fault of what it carried.
func clean(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE)
}

func (s *Server) serve(c net.Conn) error {
	d := fluentwire.NewReader(bufio.NewReaderSize(c, 64<<10), "message", maxDepth)
	if s.o.SharedKey != "" {
		if err := s.handshake(c, d); err != nil {
			return err
		}
	}
	for {
		if _, err := d.Peek(); err != nil {
			return err // io.EOF: the client closed between messages
		}
		m, es, err := readMessage(d, s.max)
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF // inside a message
		}
		if err != nil {
			return err
		}
		s.mu.Lock()
		drop := s.drop > 0 && s.dropAfter == 0
		switch {
		case drop:
			s.drop--
		case s.drop > 0:
			s.dropAfter--
		}
		if !drop {
			s.nmsgs++
		}
		n, noAck, delay, reply := s.nmsgs, s.noAck, s.ackDelay, s.reply
		s.mu.Unlock()
		if drop {
			return nil
		}
		s.entries.Add(es...)
		s.msgs.Add(m)
		if reply != nil {
			if b := reply(n, m.Chunk); b != nil {
				if _, err := c.Write(b); err != nil {
					return err
				}
				continue
			}
		}
		if m.Chunk == "" || noAck {
			continue
		}
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-s.done:
				t.Stop()
				return nil
			}
		}
		b, _ := msgpack.Marshal(map[string]string{"ack": m.Chunk})
		if _, err := c.Write(b); err != nil {
			return err
		}
	}
}
