// The wire protocol of Socket, Datagram and Server.
//
// Frame: a 4-byte big-endian payload length, then the payload; at most MaxFrame bytes
// (default 1 MiB) on both sides. A Datagram carries exactly one frame, length included (as
// Python's DatagramHandler does), so one parser serves both transports.
//
// Record payload (version 1): a msgpack map, see New for the value encoding:
//
//	{"v":1, "time":<unix ns, int>, "level":<slog level, int>, "msg":<str>,
//	 "source":{"function","file","line"}, "attrs":{<key>:<value or nested map>...},
//	 "id":<bin, sender id>, "seq":<uint64>}
//
// time is left out for a zero time, source without AddSource, attrs when empty; id and seq
// only in Socket frames. Unknown fields are skipped by the decoder.
//
// Ack payload, Server to Socket on the same connection, after each batch (everything read so
// far handled): {"id":<bin>, "ack":<uint64>}: every record of that sender with seq <= ack has
// been handled. Frames without id/seq (Datagram, other senders, Python pickles) get no ack.
//
// A pickle payload (Python's SocketHandler/DatagramHandler, Server.AcceptPickle) is told
// from a msgpack one by its first bytes: msgpack records start with a non-empty map
// (0x81-0x8f, 0xde, 0xdf); pickles with PROTO (0x80 0x01-0x05), EMPTY_DICT, MARK, DICT or
// EMPTY_LIST.

package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
)

// DefaultMaxFrame is the largest frame, length prefix excluded, that Socket sends and Server
// accepts unless configured otherwise: 1 MiB.
const DefaultMaxFrame = 1 << 20

// MaxAckFrame bounds what a sender reads back from a Server: acks are a few bytes.
const MaxAckFrame = 4 << 10

// ErrFrameTooLarge is wrapped by the errors for a frame over the configured maximum, on the
// sending side (the record is dropped and counted) and on the receiving side (the
// connection is closed, since what follows the frame cannot be trusted).
var ErrFrameTooLarge = errors.New("netsink: frame too large")

// MaxFrame resolves a configured maximum: zero or less means DefaultMaxFrame.
func MaxFrame(n int) int {
	if n <= 0 {
		return DefaultMaxFrame
	}
	return n
}

// ReadFrame reads one length-prefixed frame from r into buf (grown as needed, never past
// max) and returns it. A declared length over max fails before anything is allocated.
func ReadFrame(r io.Reader, buf []byte, max int) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return buf, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if uint64(n) > uint64(max) {
		return buf, fmt.Errorf("%w: %d bytes, limit %d", ErrFrameTooLarge, n, max)
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return buf, err
	}
	return buf, nil
}

// FrameKind tells a msgpack record from a pickle by the payload's first bytes.
type FrameKind int

const (
	KindUnknown FrameKind = iota
	KindMsgpack
	KindPickle
)

func Detect(p []byte) FrameKind {
	if len(p) == 0 {
		return KindUnknown
	}
	c := p[0]
	switch {
	case c == 0x80 && len(p) > 1 && p[1] >= 1 && p[1] <= 5:
		// pickle PROTO opcode; an empty msgpack map (0x80) is never a valid record.
		return KindPickle
	case c > 0x80 && c <= 0x8f, c == 0xde, c == 0xdf:
		return KindMsgpack
	case c == '}' || c == '(' || c == ']' || c == 'd':
		// Protocols 0 and 1 have no PROTO opcode; a logging dict starts with EMPTY_DICT
		// (protocol 1, what SocketHandler sends) or MARK/DICT (protocol 0).
		return KindPickle
	}
	return KindUnknown
}

// AppendAck appends a length-prefixed ack frame: {"id": <sender id>, "ack": <seq>},
// meaning every record of that sender up to seq has been handled.
func AppendAck(dst []byte, id []byte, seq uint64) []byte {
	start := len(dst)
	w := &Enc{b: append(dst, 0, 0, 0, 0)}
	w.mapLen(2)
	w.str("id")
	if id == nil {
		id = []byte{} // bytes would write nil, which is not an id
	}
	w.bytes(id)
	w.str("ack")
	w.uint64(seq)
	binary.BigEndian.PutUint32(w.b[start:], uint32(len(w.b)-start-4))
	return w.b
}

// DecodeAck decodes the payload of an ack frame. id aliases p: the reader compares it
// with its own and reads the next ack into the same buffer, so it is never copied.
func DecodeAck(p []byte) (id []byte, seq uint64, err error) {
	w := DecPool.Get().(*Dec)
	w.start(p)
	defer func() {
		w.release()
		DecPool.
			Put(w)
	}()
	n, err := w.mapLen()
	if err != nil {
		return nil, 0, err
	}
	seen := false
	for i := 0; i < n; i++ {
		w.startEntry()
		k, err := w.rawStr()
		if err != nil {
			return nil, 0, err
		}
		switch string(k) {
		case "id":
			if id, err = w.rawStr(); err != nil {
				return nil, 0, err
			}
		case "ack":
			v, err := w.value(1)
			if err != nil {
				return nil, 0, err
			}
			switch v.Kind() {
			case slog.KindUint64:
				seq = v.Uint64()
			case slog.KindInt64:
				if v.Int64() < 0 {
					return nil, 0, Malformed("negative ack")
				}
				seq = uint64(v.Int64())
			default:
				return nil, 0, Malformed("ack is not an integer")
			}
			seen = true
		default:
			if _, err := w.value(1); err != nil {
				return nil, 0, err
			}
		}
	}
	if !seen {
		return nil, 0, Malformed("ack frame without ack")
	}
	return id, seq, nil
}
