//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package syslog

import "net"

// syslogPeek is not available on this platform: a stream closed by the daemon is only
// noticed when a write fails.
type syslogPeek struct{}

func syslogNewPeek(net.Conn) *syslogPeek { return nil }

func (*syslogPeek) closedByPeer() bool { return false }
