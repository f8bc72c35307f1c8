package syslog

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/slogx/handlers/netsink/internal/deliver"
)

// syslogStream is the transport of stream Syslog (tcp, tcp+tls, unix, and "local" when the
// daemon's socket is a stream): the delivery engine calls it from its sender goroutine, so no
// log call dials or writes.
type syslogStream struct {
	network string   // tcp, tcp+tls or unix
	addrs   []string // one address, or the candidate local socket paths
	tls     *tls.Config
	framing Framing

	dialTimeout, writeTimeout time.Duration

	mu  sync.Mutex // guards cur, which tests read to see what the sender's socket saw
	cur *syslogStreamConn
}

func (t *syslogStream) Connect(ctx context.Context) (deliver.Conn, error) {
	d := &net.Dialer{Timeout: t.dialTimeout}
	var c net.Conn
	var err error
	switch t.network {
	case "tcp+tls":
		c, err = (&tls.Dialer{NetDialer: d, Config: t.tls}).DialContext(ctx, "tcp", t.addrs[0])
	case "unix":
		var errs []error
		for _, path := range t.addrs {
			if c, err = d.DialContext(ctx, "unix", path); err == nil {
				break
			}
			errs = append(errs, err)
		}
		if c == nil {
			err = errors.Join(errs...)
		}
	default:
		c, err = d.DialContext(ctx, t.network, t.addrs[0])
	}
	if err != nil {
		return nil, err
	}
	sc := &syslogStreamConn{t: t, c: c, peek: syslogNewPeek(c)}
	// Close gives up by cancelling ctx: a write stuck on a daemon that stopped reading ends then.
	sc.unwatch = context.AfterFunc(ctx, func() { c.Close() })
	t.mu.Lock()
	t.cur = sc
	t.mu.Unlock()
	return sc, nil
}

// peerClosed reports whether the daemon closed the current connection (false without one).
func (t *syslogStream) peerClosed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cur != nil && t.cur.stale()
}

// syslogStreamConn is one stream to the daemon. Syslog has no acknowledgements: a batch is
// delivered when the kernel took it.
type syslogStreamConn struct {
	t       *syslogStream
	c       net.Conn
	peek    *syslogPeek
	unwatch func() bool
	frame   []byte // the batch, framed; reused
}

// Send frames every record of b and writes them in one write bounded by Timeout.
func (s *syslogStreamConn) Send(_ context.Context, b *deliver.Batch) error {
	f := s.frame[:0]
	for _, p := range b.Records {
		f = syslogAppendFrame(f, p, s.t.framing)
	}
	s.frame = f
	if cap(s.frame) > 1<<20 {
		s.frame = nil // do not pin a huge batch's buffer
	}
	if err := s.c.SetWriteDeadline(time.Now().Add(s.t.writeTimeout)); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if _, err := s.c.Write(f); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// Stale reports a stream the daemon closed while we were idle: a write into it would succeed
// and be lost, so the engine reconnects first.
func (s *syslogStreamConn) Stale() bool {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	return s.stale()
}

func (s *syslogStreamConn) stale() bool { return s.peek != nil && s.peek.closedByPeer() }

func (s *syslogStreamConn) Close() error {
	s.unwatch()
	s.t.mu.Lock()
	if s.t.cur == s {
		s.t.cur = nil
	}
	s.t.mu.Unlock()
	return s.c.Close()
}

// syslogAppendFrame appends p framed for a stream: octet counting (RFC 6587 §3.4.1) or LF.
func syslogAppendFrame(dst, p []byte, framing Framing) []byte {
	if framing == LF {
		return syslogAppendLF(dst, p)
	}
	dst = strconv.AppendInt(dst, int64(len(p)), 10)
	dst = append(dst, ' ')
	return append(dst, p...)
}

// syslogAppendLF appends p framed for non-transparent (LF) framing. Every byte a receiver
// may take for the end of a record is escaped as rsyslog itself prints control characters on
// receipt, '#' and three octal digits: LF as "#012" (RFC 6587 §3.4.2's trailer) and NUL as
// "#000" (syslog-ng and others end a record at NUL too), so no record can end early and forge
// another; then the LF trailer.
func syslogAppendLF(dst, p []byte) []byte {
	for {
		i := indexSeparator(p)
		if i < 0 {
			break
		}
		dst = append(dst, p[:i]...)
		if p[i] == '\n' {
			dst = append(dst, "#012"...)
		} else {
			dst = append(dst, "#000"...)
		}
		p = p[i+1:]
	}
	dst = append(dst, p...)
	return append(dst, '\n')
}

// indexSeparator returns the index of the first LF or NUL of b, or -1.
func indexSeparator(b []byte) int {
	for i, x := range b {
		if x == '\n' || x == 0 {
			return i
		}
	}
	return -1
}
