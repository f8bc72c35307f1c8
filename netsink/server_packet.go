package netsink

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"

	"github.com/slogx/handlers/netsink/internal/wire"
)

// ServePacket reads datagrams from pc — each a 4-byte big-endian length and one frame, the
// format of Datagram and of Python's DatagramHandler — until Shutdown or Close, then returns
// ErrServerClosed. A bad datagram is counted, reported and dropped; the next one is read.
// pc is closed when ServePacket returns.
func (s *Server) ServePacket(pc net.PacketConn) error {
	s.init()
	if s.Handler == nil {
		pc.Close()
		return errors.New("netsink: Server.Handler is nil")
	}
	if !s.track(func() { s.packets[pc] = struct{}{} }) {
		pc.Close()
		return ErrServerClosed
	}
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.packets, pc)
		s.mu.Unlock()
		pc.Close()
	}()
	// One byte more than the largest UDP payload: a datagram that fills the buffer was cut.
	buf := make([]byte, 65536)
	for {
		n, addr, err := pc.ReadFrom(buf)
		if err != nil {
			if s.isClosing() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("netsink: read datagram: %w", err)
		}
		if err := s.handleDatagram(buf[:n]); err != nil {
			s.rep.Error(fmt.Errorf("netsink: server: datagram from %v: %w", addr, err))
		}
	}
}

func (s *Server) handleDatagram(d []byte) error {
	if len(d) < 4 {
		s.stats.malformed.Add(1)
		return wire.Malformed("datagram of %d bytes", len(d))
	}
	n := binary.BigEndian.Uint32(d)
	if uint64(n) > uint64(s.maxFrame()) {
		s.stats.tooLarge.Add(1)
		return fmt.Errorf("%w: %d bytes, limit %d", wire.ErrFrameTooLarge, n, s.maxFrame())
	}
	if int(n) != len(d)-4 {
		s.stats.malformed.Add(1)
		return wire.Malformed("datagram length prefix %d, payload %d bytes (truncated?)", n, len(d)-4)
	}
	_, _, err := s.handleFrame(d[4:])
	return err
}
