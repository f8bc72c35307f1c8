package netsink

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/slogx/handlers/slogx"
)

// syslogLocalPaths are the local syslog sockets tried in order when no address is given,
// as Go's log/syslog and the C library do (Linux, macOS, BSD).
var syslogLocalPaths = []string{"/dev/log", "/var/run/syslog", "/var/run/log"}

// errSyslogWait means the backoff has not expired: no connection attempt was made.
var errSyslogWait = errors.New("waiting to reconnect")

// syslogConn is the writer under Syslog: one Write is one syslog message, which it frames
// for the transport and sends, connecting lazily and reconnecting with Backoff. It is not
// safe for concurrent use; slogx.Handler serializes every call.
type syslogConn struct {
	network string   // udp, tcp, tcp+tls, unix, unixgram, or "local" (datagram, then stream)
	addrs   []string // one address, or the candidate local socket paths
	tls     *tls.Config
	framing SyslogFraming
	timeout time.Duration
	limit   int // outage buffer in bytes; negative: no buffer
	now     func() time.Time
	backoff Backoff
	retryAt time.Time // when the backoff allows the next attempt
	rep     *slogx.Reporter

	conn   net.Conn
	stream bool
	peek   *syslogPeek // detects a stream closed by the peer before we write into it

	pending      [][]byte // records held during an outage, oldest first
	pendingBytes int
	frame        []byte // framing scratch, reused
	closed       bool
}

func (c *syslogConn) describe() string {
	if len(c.addrs) == 1 {
		return c.network + " " + c.addrs[0]
	}
	return "local syslog (" + strings.Join(c.addrs, ", ") + ")"
}

// Write sends p, or holds it in the outage buffer when the daemon cannot be reached. It
// blocks at most for one dial and a few writes, each bounded by the timeout.
func (c *syslogConn) Write(p []byte) (int, error) {
	if c.closed {
		return 0, net.ErrClosed
	}
	if c.conn != nil && c.peek != nil && c.peek.closedByPeer() {
		c.closeConn()
	}
	err := c.ensure()
	if err == nil {
		if err = c.send(p); err == nil {
			return len(p), nil
		}
		if syslogTooBig(err) {
			return 0, fmt.Errorf("syslog %s: record of %d bytes: %w", c.describe(), len(p), err)
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
			c.rep.Drop(1, fmt.Errorf("syslog %s: held record of %d bytes: %w", c.describe(), len(p), err))
		}
		c.pending[0] = nil
		c.pending = c.pending[1:]
		c.pendingBytes -= len(p)
	}
	c.pending = nil
	return nil
}

// hold keeps a copy of p for the next connection. cause is why p could not be sent.
func (c *syslogConn) hold(p []byte, cause error) (int, error) {
	if cause == errSyslogWait {
		cause = fmt.Errorf("syslog %s: not connected; next attempt at %s", c.describe(), c.retryAt.Format(time.RFC3339))
		if c.limit >= 0 {
			cause = nil // buffered: the failure that started the outage was reported already
		}
	} else {
		cause = fmt.Errorf("syslog %s: %w", c.describe(), cause)
	}
	if c.limit < 0 {
		return 0, cause
	}
	if cause != nil {
		c.rep.Error(cause)
	}
	if len(p) > c.limit {
		c.rep.Drop(1, fmt.Errorf("syslog %s: record of %d bytes exceeds the outage buffer of %d bytes", c.describe(), len(p), c.limit))
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
		c.rep.Drop(uint64(dropped), fmt.Errorf("syslog %s: outage buffer full (%d bytes): dropped %d oldest records", c.describe(), c.limit, dropped))
	}
	return len(p), nil
}

// send frames p for the current connection and writes it with a deadline.
func (c *syslogConn) send(p []byte) error {
	b := c.framed(p)
	if c.timeout > 0 {
		if err := c.conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
			return err
		}
	}
	_, err := c.conn.Write(b)
	if cap(c.frame) > 64<<10 {
		c.frame = nil // do not pin a huge record's buffer
	}
	return err
}

// framed returns p framed for the current transport (p itself for datagrams).
func (c *syslogConn) framed(p []byte) []byte {
	if !c.stream {
		return p
	}
	if c.framing == SyslogLF {
		c.frame = syslogAppendLF(c.frame[:0], p)
	} else {
		c.frame = strconv.AppendInt(c.frame[:0], int64(len(p)), 10)
		c.frame = append(c.frame, ' ')
		c.frame = append(c.frame, p...)
	}
	return c.frame
}

// syslogAppendLF appends p framed for non-transparent (LF) framing: every LF inside the
// record becomes "#012", the escape rsyslog itself prints for a received LF, so no record
// can end early and forge another; then the LF trailer.
func syslogAppendLF(dst, p []byte) []byte {
	for {
		i := indexByte(p, '\n')
		if i < 0 {
			break
		}
		dst = append(dst, p[:i]...)
		dst = append(dst, "#012"...)
		p = p[i+1:]
	}
	dst = append(dst, p...)
	return append(dst, '\n')
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// connect dials the daemon. Unix sockets are tried in order; "local" tries datagram, then
// stream, on each path, as Python's SysLogHandler does with socktype None.
func (c *syslogConn) connect() error {
	d := net.Dialer{Timeout: c.timeout}
	var conn net.Conn
	var err error
	switch c.network {
	case "tcp+tls":
		conn, err = tls.DialWithDialer(&d, "tcp", c.addrs[0], c.tls)
	case "unix", "unixgram", "local":
		nets := []string{c.network}
		if c.network == "local" {
			nets = []string{"unixgram", "unix"}
		}
		var errs []error
	paths:
		for _, path := range c.addrs {
			for _, n := range nets {
				if conn, err = d.Dial(n, path); err == nil {
					break paths
				}
				errs = append(errs, err)
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
	c.stream = conn.LocalAddr().Network() != "udp" && conn.LocalAddr().Network() != "unixgram"
	c.peek = nil
	if c.stream {
		c.peek = syslogNewPeek(conn)
	}
	c.backoff.Reset()
	return nil
}

func (c *syslogConn) closeConn() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
		c.peek = nil
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
			c.rep.Drop(uint64(len(c.pending)), fmt.Errorf("syslog %s: closed with %d undelivered records: %w", c.describe(), len(c.pending), err))
			c.pending, c.pendingBytes = nil, 0
		}
	}
	if c.conn != nil {
		err := c.conn.Close()
		c.conn, c.peek = nil, nil
		return err
	}
	return nil
}

// syslogTooBig reports a datagram the transport refuses for its size: retrying it on a new
// connection cannot help.
func syslogTooBig(err error) bool {
	return errors.Is(err, syscall.EMSGSIZE)
}
