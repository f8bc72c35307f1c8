package syslog

import (
	"io"
	"net"
	"testing"
)

func listenUDPForBench(b *testing.B) (net.PacketConn, error) {
	return net.ListenPacket("udp", "127.0.0.1:0")
}

func drainForBench(pc net.PacketConn) {
	buf := make([]byte, 65536)
	for {
		if _, _, err := pc.ReadFrom(buf); err != nil {
			return
		}
	}
}

// benchTCPSink accepts one connection at a time and discards what it reads.
type benchTCPSink struct {
	net.Listener
	done chan struct{}
}

func newBenchTCPSink(b *testing.B) *benchTCPSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	s := &benchTCPSink{Listener: ln, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			io.Copy(io.Discard, c)
			c.Close()
		}
	}()
	return s
}

func (s *benchTCPSink) Close() error {
	err := s.Listener.Close()
	<-s.done
	return err
}
