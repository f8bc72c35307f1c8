package netsink

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/slogx/handlers/netsink/internal/wire"
)

// wireFrameReader reads length-prefixed frames like wireReadFrame, but keeps a partial frame
// across a failed read, so reading resumes where it stopped: Shutdown interrupts a read
// (a deadline) to send the last ack, then reads on while lingering, and a frame cut in two
// by that interruption must not shift every frame after it.
type wireFrameReader struct {
	r      io.Reader
	hdr    [4]byte
	nhdr   int
	inBody bool
	// buf holds the frame being read: it grows as the frame's bytes arrive (a length
	// prefix alone allocates nothing), and is reused by the next frame up to
	// wireFrameKeep bytes.
	buf  []byte
	size int // the frame's length
	nbuf int // bytes of it read so far
}

// wireFrameKeep is the largest frame buffer a connection keeps between frames. Frames up to
// the connection's read buffer are decoded in it and need none.
const wireFrameKeep = 64 << 10

// next returns the next frame, valid until the following call. A declared length over max
// fails before anything is allocated; the stream cannot be resynchronized after it.
func (f *wireFrameReader) next(limit int) ([]byte, error) {
	if !f.inBody {
		if cap(f.buf) > wireFrameKeep {
			f.buf = nil // the last frame was handled: a large buffer is not kept idle
		}
		n, err := io.ReadFull(f.r, f.hdr[f.nhdr:])
		f.nhdr += n
		if err != nil {
			if err == io.EOF && f.nhdr > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		size := binary.BigEndian.Uint32(f.hdr[:])
		if uint64(size) > uint64(limit) {
			return nil, fmt.Errorf("%w: %d bytes, limit %d", wire.ErrFrameTooLarge, size, limit)
		}
		f.size, f.nbuf, f.inBody = int(size), 0, true
		f.buf = f.buf[:min(f.size, cap(f.buf))]
	}
	for f.nbuf < f.size {
		if f.nbuf == len(f.buf) {
			// Twice what arrived so far, from 4 KiB: memory follows the bytes received, not
			// the length claimed.
			nb := make([]byte, min(f.size, max(2*len(f.buf), 4<<10)))
			copy(nb, f.buf[:f.nbuf])
			f.buf = nb
		}
		n, err := f.r.Read(f.buf[f.nbuf:])
		f.nbuf += n
		if err != nil && f.nbuf < f.size {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	f.nhdr, f.inBody = 0, false
	return f.buf, nil
}

// ready returns the next frame, length prefix included, if it is wholly in br (f's
// reader) and within max, so that it can be handled in br's buffer; nil otherwise, when
// next must read it (and report a frame over max). One Peek of what is buffered, which
// does not read, serves the prefix and the frame.
func (f *wireFrameReader) ready(br *bufio.Reader, max int) []byte {
	if f.inBody || f.nhdr > 0 || br.Buffered() < 4 {
		return nil
	}
	p, err := br.Peek(br.Buffered())
	if err != nil || len(p) < 4 {
		return nil
	}
	size := uint64(binary.BigEndian.Uint32(p))
	if size > uint64(max) || size > uint64(len(p)-4) {
		return nil
	}
	return p[:4+size]
}
