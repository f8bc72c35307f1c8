package syslog

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/slogx/handlers/netsink/internal/deliver"
	"github.com/slogx/handlers/slogx"
)

// syslogLocalPaths are the local syslog sockets tried in order when no address is given,
// as Go's log/syslog and the C library do (Linux, macOS, BSD).
var syslogLocalPaths = []string{"/dev/log", "/var/run/syslog", "/var/run/log"}

// errSyslogWait means the backoff has not expired: no connection attempt was made.
var errSyslogWait = errors.New("waiting to reconnect")

// errSyslogStream means a "local" daemon listens on a stream socket, not a datagram one: the
// records go to the delivery engine instead (see syslogLocal).
var errSyslogStream = errors.New("the local syslog socket is a stream")

// syslogConn is the writer under datagram Syslog (udp, unixgram, and "local" while its socket
// is a datagram one): one Write is one datagram, sent on the caller's goroutine (a datagram
// send does not wait for the daemon), connecting lazily and reconnecting with Backoff. It is
// not safe for concurrent use; slogx.Handler serializes every call but Delivered.
type syslogConn struct {
	network      string      // udp, unixgram, or "local" (datagram, else errSyslogStream)
	addrs        []string    // one address, or the candidate local socket paths
	tls          *tls.Config // for the stream transport of tcp+tls
	dialTimeout  time.Duration
	writeTimeout time.Duration
	limit        int // outage buffer in bytes; negative: no buffer
	now          func() time.Time
	backoff      deliver.Backoff
	retryAt      time.Time // when the backoff allows the next attempt
	rep          *slogx.Reporter

	conn net.Conn

	pending      [][]byte // records held during an outage, oldest first
	pendingBytes int
	closed       bool

	records, bytes atomic.Uint64 // datagrams sent: read by Stats without the handler's lock
}

func (c *syslogConn) describe() string {
	if len(c.addrs) == 1 {
		return c.network + " " + c.addrs[0]
	}
	return "local syslog (" + strings.Join(c.addrs, ", ") + ")"
}

// Delivered returns the datagrams sent (records held during an outage count once sent).
func (c *syslogConn) Delivered() (records, bytes uint64) {
	return c.records.Load(), c.bytes.Load()
}

// Write sends p, or holds it in the outage buffer when the daemon cannot be reached. It
// blocks at most for one dial and a few datagram sends, each bounded by the timeout.
func (c *syslogConn) Write(p []byte) (int, error) {
	if c.closed {
		return 0, net.ErrClosed
	}
	err := c.ensure()
	if err == nil {
		if err = c.send(p); err == nil {
			return len(p), nil
		}
		if syslogTooBig(err) {
			// No daemon can take it and retrying cannot help: dropped on purpose, with the
			// cause, as Datagram counts an oversized record (not a delivery failure).
			return 0, fmt.Errorf("netsink: syslog %s: record of %d bytes: %w: %w", c.describe(), len(p), err, slogx.ErrDropped)
		}
		c.closeConn()
		// The daemon may just have restarted: reconnect once at once (Python would
		// reconnect on the next record, having lost this one).
		if err = c.ensure(); err == nil {
			if err = c.send(p); err == nil {
				return len(p), nil
			}
			c.closeConn()
		}
	}
	if errors.Is(err, errSyslogStream) {
		return 0, err
	}
	if err != errSyslogWait {
		c.retryAt = c.backoff.Failed(c.now())
	}
	return c.hold(p, err)
}

// ensure connects if needed (unless the backoff forbids it) and sends the held records.
func (c *syslogConn) ensure() error {
	if c.conn == nil {
		if !c.backoff.Ready(c.now()) {
			return errSyslogWait
		}
		if err := c.connect(); err != nil {
			return err
		}
	}
	for len(c.pending) > 0 {
		p := c.pending[0]
		if err := c.send(p); err != nil {
			if !syslogTooBig(err) {
				c.closeConn()
				return err
			}
			c.rep.Drop(1, fmt.Errorf("netsink: syslog %s: held record of %d bytes: %w", c.describe(), len(p), err))
		}
		c.pending[0] = nil
		c.pending = c.pending[1:]
		c.pendingBytes -= len(p)
	}
	c.pending = nil
	return nil
}

// takePending hands the held records over (to the stream engine, for "local").
func (c *syslogConn) takePending() [][]byte {
	p := c.pending
	c.pending, c.pendingBytes = nil, 0
	return p
}

// hold keeps a copy of p for the next connection. cause is why p could not be sent.
func (c *syslogConn) hold(p []byte, cause error) (int, error) {
	if cause == errSyslogWait {
		cause = fmt.Errorf("netsink: syslog %s: not connected; next attempt at %s", c.describe(), c.retryAt.Format(time.RFC3339))
		if c.limit >= 0 {
			cause = nil // buffered: the failure that started the outage was reported already
		}
	} else {
		cause = fmt.Errorf("netsink: syslog %s: %w", c.describe(), cause)
	}
	if c.limit < 0 {
		return 0, cause
	}
	if cause != nil {
		c.rep.Error(cause)
	}
	if len(p) > c.limit {
		c.rep.Drop(1, fmt.Errorf("netsink: syslog %s: record of %d bytes exceeds the outage buffer of %d bytes", c.describe(), len(p), c.limit))
		return len(p), nil
	}
	c.pending = append(c.pending, append([]byte(nil), p...))
	c.pendingBytes += len(p)
	dropped := 0
	for c.pendingBytes > c.limit {
		c.pendingBytes -= len(c.pending[0])
		c.pending[0] = nil
		c.pending = c.pending[1:]
		dropped++
	}
	if dropped > 0 {
		c.rep.Drop(uint64(dropped), fmt.Errorf("netsink: syslog %s: outage buffer full (%d bytes): dropped %d oldest records", c.describe(), c.limit, dropped))
	}
	return len(p), nil
}

// send writes one datagram with a deadline.
func (c *syslogConn) send(p []byte) error {
	if c.writeTimeout > 0 {
		if err := c.conn.SetWriteDeadline(time.Now().Add(c.writeTimeout)); err != nil {
			return err
		}
	}
	if _, err := c.conn.Write(p); err != nil {
		return err
	}
	c.records.Add(1)
	c.bytes.Add(uint64(len(p)))
	return nil
}

// connect dials the daemon. Unix sockets are tried in order; "local" tries a datagram on
// each path and, when none answers, reports errSyslogStream if a stream socket does, as
// Python's SysLogHandler does with socktype None.
func (c *syslogConn) connect() error {
	d := net.Dialer{Timeout: c.dialTimeout}
	var conn net.Conn
	var err error
	switch c.network {
	case "unixgram", "local":
		var errs []error
		for _, path := range c.addrs {
			if conn, err = d.Dial("unixgram", path); err == nil {
				break
			}
			errs = append(errs, err)
		}
		if conn == nil && c.network == "local" {
			for _, path := range c.addrs {
				if probe, err := d.Dial("unix", path); err == nil {
					probe.Close()
					return errSyslogStream
				}
			}
		}
		if conn == nil {
			err = errors.Join(errs...)
		}
	default:
		conn, err = d.Dial(c.network, c.addrs[0])
	}
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	c.conn = conn
	c.backoff.Reset()
	return nil
}

func (c *syslogConn) closeConn() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

// Close makes one last attempt to send the held records, counts those it cannot send as
// dropped, and closes the connection.
func (c *syslogConn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	if len(c.pending) > 0 {
		c.backoff.Reset() // a last attempt, whatever the schedule says
		if err := c.ensure(); err != nil {
			c.rep.Drop(uint64(len(c.pending)), fmt.Errorf("netsink: syslog %s: closed with %d undelivered records: %w", c.describe(), len(c.pending), err))
			c.pending, c.pendingBytes = nil, 0
		}
	}
	if c.conn != nil {
		err := c.conn.Close()
		c.conn = nil
		return err
	}
	return nil
}

// syslogTooBig reports a datagram the transport refuses for its size: retrying it on a new
// connection cannot help.
func syslogTooBig(err error) bool {
	return errors.Is(err, syscall.EMSGSIZE)
}
