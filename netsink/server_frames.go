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
	buf    []byte // the frame being read, reused by the next one
	nbuf   int
}

// next returns the next frame, valid until the following call. A declared length over max
// fails before anything is allocated; the stream cannot be resynchronized after it.
func (f *wireFrameReader) next(max int) ([]byte, error) {
	if !f.inBody {
		n, err := io.ReadFull(f.r, f.hdr[f.nhdr:])
		f.nhdr += n
		if err != nil {
			if err == io.EOF && f.nhdr > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		size := binary.BigEndian.Uint32(f.hdr[:])
		if uint64(size) > uint64(max) {
			return nil, fmt.Errorf("%w: %d bytes, limit %d", wire.ErrFrameTooLarge, size, max)
		}
		if cap(f.buf) < int(size) {
			f.buf = make([]byte, size)
		}
		f.buf, f.nbuf, f.inBody = f.buf[:size], 0, true
	}
	n, err := io.ReadFull(f.r, f.buf[f.nbuf:])
	f.nbuf += n
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	f.nhdr, f.inBody = 0, false
	return f.buf, nil
}

// ready returns the length (prefix included) of the next frame if it is wholly in br (f's
// reader) and within max, so that it can be handled in br's buffer; 0 otherwise, when next
// must read it (and report a frame over max).
func (f *wireFrameReader) ready(br *bufio.Reader, max int) int {
	if f.inBody || f.nhdr > 0 || br.Buffered() < 4 {
		return 0
	}
	hdr, err := br.Peek(4) // buffered: does not read
	if err != nil {
		return 0
	}
	size := uint64(binary.BigEndian.Uint32(hdr))
	if size > uint64(max) || size > uint64(br.Buffered()-4) {
		return 0
	}
	return 4 + int(size)
}
