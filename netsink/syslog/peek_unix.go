//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package syslog

import (
	"crypto/tls"
	"net"
	"syscall"
)

// syslogPeek detects a stream the daemon has closed. A write into such a socket succeeds
// (the kernel buffers it) and only the next one fails, so without this check the first
// record after a daemon restart would be lost. Syslog daemons never send data, so a
// non-blocking MSG_PEEK that reports end of stream or an error means the peer is gone.
type syslogPeek struct {
	rc     syscall.RawConn
	fn     func(fd uintptr) bool // bound once: no allocation per record
	closed bool
	buf    [1]byte
}

func syslogNewPeek(conn net.Conn) *syslogPeek {
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	p := &syslogPeek{rc: rc}
	p.fn = p.check
	return p
}

func (p *syslogPeek) check(fd uintptr) bool {
	n, _, err := syscall.Recvfrom(int(fd), p.buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	switch {
	case err == syscall.EAGAIN || err == syscall.EWOULDBLOCK || err == syscall.EINTR:
		p.closed = false
	case err != nil:
		p.closed = true
	default:
		p.closed = n == 0 // end of stream; data (a TLS alert, a ticket) is not proof of death
	}
	return true
}

// closedByPeer reports whether the peer closed or reset the stream.
func (p *syslogPeek) closedByPeer() bool {
	p.closed = false
	if err := p.rc.Read(p.fn); err != nil {
		return true
	}
	return p.closed
}
