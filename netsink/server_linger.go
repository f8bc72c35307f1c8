package netsink

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/slogx/handlers/netsink/internal/wire"
)

// wireLinger bounds the lingering close of Shutdown.
const wireLinger = time.Second

// linger ends a connection gracefully after its last ack. Closing a socket with unread data
// makes the kernel send a reset, which can destroy the ack before the peer reads it, so it
// half-closes and reads on until the peer closes or wireLinger passes. What it reads is not
// thrown away: Python's SocketHandler never reads, learns nothing from the half-close and
// keeps sending, so each complete frame without a sequence number is handled as usual. A
// sequenced frame (a Socket's) is left alone: no ack can reach its sender any more, which
// replays it on its next connection, and handling it here would handle it twice. A frame
// the interrupted read had started is completed first.
func (sc *wireServerConn) linger(fr *wireFrameReader, dec *wire.Dec, max int) {
	type closeWriter interface{ CloseWrite() error }
	cw, ok := sc.c.(closeWriter)
	if !ok {
		return
	}
	if cw.CloseWrite() != nil {
		return
	}
	s := sc.s
	_ = sc.c.SetReadDeadline(time.Now().Add(wireLinger))
	for {
		buf, err := fr.next(max)
		if err != nil {
			if errors.Is(err, wire.ErrFrameTooLarge) {
				s.stats.tooLarge.Add(1)
				s.rep.Error(fmt.Errorf("netsink: server: from %s: %w", sc.c.RemoteAddr(), err))
				_, _ = io.Copy(io.Discard, fr.r) // still no reset before the peer has read the ack
			}
			return // the peer closed, the linger is over, or Shutdown gave up waiting
		}
		n := s.gate.frameWeight(buf)
		if !s.gate.acquire(n, s.abort) {
			return
		}
		var rec slog.Record
		var h wire.Header
		err = s.decodeFrame(dec, buf, &rec, &h)
		if err == nil && !h.HasSeq {
			s.handle(&rec)
		}
		s.gate.release(n)
		if err != nil {
			s.rep.Error(fmt.Errorf("netsink: server: from %s: %w", sc.c.RemoteAddr(), err))
			if !errors.Is(err, ErrPickleRefused) || !s.AcceptPickle {
				_, _ = io.Copy(io.Discard, fr.r)
				return
			}
		}
	}
}
