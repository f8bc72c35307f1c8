package forward

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// What a Forward server sends back (HELO, PONG, acks) is read by replyDec, not by a general
// msgpack decoder: the server is a peer the application trusts with its logs, not with its
// memory or its stack. A general decoder skips an unknown field recursively (10^7 nested
// arrays overflowed the goroutine stack, a fatal error no recover catches) and allocates what
// a length claims (one 256 MiB string in an ack held 915 MB). replyDec checks every claim
// against what the reply may still take before it reads or allocates anything, and bounds
// nesting, so the memory a reply costs is at most its limit and a hostile reply is refused
// with an error that ends the connection.

// Limits of one reply. An ack is {"ack": chunk id}, some 30 bytes; a HELO a nonce, a salt
// and a flag; a PONG a reason, a host name and a 128-byte digest.
const (
	forwardMaxAckBytes       = 1 << 10
	forwardMaxHandshakeBytes = 16 << 10
	// forwardMaxDepth bounds the nesting of an unknown field a reply may carry.
	forwardMaxDepth = 16
)

// errReplyTooLarge is wrapped by the error of a reply that exceeds its limit.
var errReplyTooLarge = errors.New("reply exceeds its size limit")

// replyDec decodes the msgpack forms of one reply at a time from r.
type replyDec struct {
	r     *bufio.Reader
	left  int // bytes the current reply may still take
	limit int // the current reply's limit, for errors
}

func newReplyDec(r *bufio.Reader) *replyDec { return &replyDec{r: r} }

// begin starts a reply that may take at most limit bytes.
func (d *replyDec) begin(limit int) { d.left, d.limit = limit, limit }

// take checks that n more bytes fit the reply, before they are read.
func (d *replyDec) take(n int) error {
	if n < 0 || n > d.left {
		return fmt.Errorf("%w (%d bytes): a form claims %d bytes where %d are left", errReplyTooLarge, d.limit, n, d.left)
	}
	d.left -= n
	return nil
}

func (d *replyDec) code() (byte, error) {
	if err := d.take(1); err != nil {
		return 0, err
	}
	return d.r.ReadByte()
}

// uint reads a big-endian unsigned integer of size bytes (1, 2, 4 or 8).
func (d *replyDec) uint(size int) (uint64, error) {
	if err := d.take(size); err != nil {
		return 0, err
	}
	var b [8]byte
	if _, err := io.ReadFull(d.r, b[8-size:]); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(b[:]), nil
}

// length reads the length that follows a str, bin, array or map code of size bytes; each of
// the n items takes at least min bytes, so a claim the reply cannot hold fails here.
func (d *replyDec) length(size, min int) (int, error) {
	n, err := d.uint(size)
	if err != nil {
		return 0, err
	}
	if n > uint64(d.left/min) {
		return 0, fmt.Errorf("%w (%d bytes): a form claims %d items where %d bytes are left", errReplyTooLarge, d.limit, n, d.left)
	}
	return int(n), nil
}

// read returns the next n bytes, which take() has not yet counted.
func (d *replyDec) read(n int) ([]byte, error) {
	if err := d.take(n); err != nil {
		return nil, err
	}
	b := make([]byte, n)
	_, err := io.ReadFull(d.r, b)
	return b, err
}

func (d *replyDec) discard(n int) error {
	if err := d.take(n); err != nil {
		return err
	}
	_, err := d.r.Discard(n)
	return err
}

// container reads an array (or, with isMap, a map) header and returns its item count (for
// a map, its number of pairs).
func (d *replyDec) container(isMap bool) (int, error) {
	c, err := d.code()
	if err != nil {
		return 0, err
	}
	min, low, s16, s32, name := 1, byte(0x90), byte(0xdc), byte(0xdd), "array"
	if isMap {
		min, low, s16, s32, name = 2, 0x80, 0xde, 0xdf, "map"
	}
	switch {
	case c >= low && c <= low|0x0f:
		n := int(c & 0x0f)
		if n*min > d.left {
			return 0, fmt.Errorf("%w (%d bytes): a %s claims %d items where %d bytes are left", errReplyTooLarge, d.limit, name, n, d.left)
		}
		return n, nil
	case c == s16:
		return d.length(2, min)
	case c == s32:
		return d.length(4, min)
	}
	return 0, fmt.Errorf("want a %s, got msgpack code 0x%02x", name, c)
}

func (d *replyDec) arrayLen() (int, error) { return d.container(false) }
func (d *replyDec) mapLen() (int, error)   { return d.container(true) }

// raw reads a str or bin (and nil, as empty) and returns its bytes.
func (d *replyDec) raw() ([]byte, error) {
	c, err := d.code()
	if err != nil {
		return nil, err
	}
	n := 0
	switch {
	case c == 0xc0:
		return nil, nil
	case c >= 0xa0 && c <= 0xbf:
		n = int(c & 0x1f)
	case c == 0xd9 || c == 0xc4:
		n, err = d.length(1, 1)
	case c == 0xda || c == 0xc5:
		n, err = d.length(2, 1)
	case c == 0xdb || c == 0xc6:
		n, err = d.length(4, 1)
	default:
		return nil, fmt.Errorf("want a string, got msgpack code 0x%02x", c)
	}
	if err != nil {
		return nil, err
	}
	return d.read(n)
}

func (d *replyDec) str() (string, error) {
	b, err := d.raw()
	return string(b), err
}

func (d *replyDec) boolean() (bool, error) {
	c, err := d.code()
	if err != nil {
		return false, err
	}
	switch c {
	case 0xc2:
		return false, nil
	case 0xc3:
		return true, nil
	}
	return false, fmt.Errorf("want a boolean, got msgpack code 0x%02x", c)
}

// skip skips one value of any form, nested at most forwardMaxDepth deep below depth.
func (d *replyDec) skip(depth int) error {
	b, err := d.r.Peek(1)
	if err != nil {
		return err
	}
	c := b[0]
	switch {
	case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3: // fixint, nil, bool
		_, err := d.code()
		return err
	case c >= 0x80 && c <= 0x9f, c == 0xdc, c == 0xdd, c == 0xde, c == 0xdf: // map or array
		if depth >= forwardMaxDepth {
			return fmt.Errorf("a value nested deeper than %d", forwardMaxDepth)
		}
		isMap := c <= 0x8f || c == 0xde || c == 0xdf
		n, err := d.container(isMap)
		if err != nil {
			return err
		}
		if isMap {
			n *= 2
		}
		for range n {
			if err := d.skip(depth + 1); err != nil {
				return err
			}
		}
		return nil
	case c >= 0xa0 && c <= 0xbf, c == 0xd9, c == 0xda, c == 0xdb, c == 0xc4, c == 0xc5, c == 0xc6:
		return d.skipRaw()
	}
	if _, err := d.code(); err != nil {
		return err
	}
	n, ok := fixedSize(c)
	if !ok {
		ext, ok := extLenSize(c)
		if !ok {
			return fmt.Errorf("msgpack code 0x%02x is not a value", c)
		}
		l, err := d.length(ext, 1)
		if err != nil {
			return err
		}
		n = l + 1 // the extension's type byte, then its data
	}
	return d.discard(n)
}

// skipRaw skips a str or bin without allocating its bytes.
func (d *replyDec) skipRaw() error {
	c, err := d.code()
	if err != nil {
		return err
	}
	n := 0
	switch {
	case c >= 0xa0 && c <= 0xbf:
		n = int(c & 0x1f)
	case c == 0xd9 || c == 0xc4:
		n, err = d.length(1, 1)
	case c == 0xda || c == 0xc5:
		n, err = d.length(2, 1)
	default: // 0xdb, 0xc6
		n, err = d.length(4, 1)
	}
	if err != nil {
		return err
	}
	return d.discard(n)
}

// fixedSize returns how many bytes follow code c of a number or a fixext (type byte
// included).
func fixedSize(c byte) (int, bool) {
	switch c {
	case 0xcc, 0xd0:
		return 1, true
	case 0xcd, 0xd1:
		return 2, true
	case 0xca, 0xce, 0xd2:
		return 4, true
	case 0xcb, 0xcf, 0xd3:
		return 8, true
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: // fixext 1, 2, 4, 8, 16
		return 1 + 1<<(c-0xd4), true
	}
	return 0, false
}

// extLenSize returns the size of the length of ext 8, 16 and 32.
func extLenSize(c byte) (int, bool) {
	switch c {
	case 0xc7:
		return 1, true
	case 0xc8:
		return 2, true
	case 0xc9:
		return 4, true
	}
	return 0, false
}
