package fluentwire

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// A peer is trusted with logs, not with memory or the stack, so what it sends is read by
// Reader rather than a general msgpack decoder: a general decoder skips an unknown field
// recursively (10^7 nested arrays overflowed the goroutine stack, a fatal error no recover
// catches) and allocates what a length claims (one 256 MiB string in an ack held 915 MB).
// Reader checks every claim against what the current value may still take before it reads
// or allocates anything, grows large strings as their bytes arrive rather than as claimed,
// and bounds nesting; a hostile value is refused with an error that ends the connection.

// ErrTooLarge is wrapped by the error of a value that exceeds the limit given to Begin.
var ErrTooLarge = errors.New("exceeds its size limit")

// bigRead is the size above which a string's bytes are read as they arrive, not allocated
// at once from its claimed length.
const bigRead = 64 << 10

// Reader decodes the msgpack forms of one value at a time from a stream.
type Reader struct {
	r *bufio.Reader
	// What names the values read in errors ("reply", "message").
	What string
	// MaxDepth bounds the nesting of the maps and arrays Skip and Value accept.
	MaxDepth int
	left     int // bytes the current value may still take
	limit    int // the current value's limit, for errors
}

// NewReader returns a Reader of r naming its values what, nested at most maxDepth deep.
func NewReader(r *bufio.Reader, what string, maxDepth int) *Reader {
	return &Reader{r: r, What: what, MaxDepth: maxDepth}
}

// Begin starts a value that may take at most limit bytes.
func (d *Reader) Begin(limit int) { d.left, d.limit = limit, limit }

// Used returns how many bytes the current value took so far.
func (d *Reader) Used() int { return d.limit - d.left }

// Buffered reports whether bytes of a next value were already read from the stream.
func (d *Reader) Buffered() int { return d.r.Buffered() }

// Peek returns the next byte without consuming it.
func (d *Reader) Peek() (byte, error) {
	b, err := d.r.Peek(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (d *Reader) tooLarge(format string, args ...any) error {
	return fmt.Errorf("%s %w (%d bytes): %s", d.What, ErrTooLarge, d.limit, fmt.Sprintf(format, args...))
}

// take checks that n more bytes fit the value, before they are read.
func (d *Reader) take(n int) error {
	if n < 0 || n > d.left {
		return d.tooLarge("a form claims %d bytes where %d are left", n, d.left)
	}
	d.left -= n
	return nil
}

// Code reads the next form's code byte.
func (d *Reader) Code() (byte, error) {
	if err := d.take(1); err != nil {
		return 0, err
	}
	return d.r.ReadByte()
}

// uint reads a big-endian unsigned integer of size bytes (1, 2, 4 or 8).
func (d *Reader) uint(size int) (uint64, error) {
	if err := d.take(size); err != nil {
		return 0, err
	}
	var b [8]byte
	if _, err := io.ReadFull(d.r, b[8-size:]); err != nil {
		return 0, unexpected(err)
	}
	return binary.BigEndian.Uint64(b[:]), nil
}

// length reads the length that follows a str, bin, array or map code of size bytes; each of
// the n items takes at least min bytes, so a claim the value cannot hold fails here.
func (d *Reader) length(size, min int) (int, error) {
	n, err := d.uint(size)
	if err != nil {
		return 0, err
	}
	if n > uint64(d.left/min) {
		return 0, d.tooLarge("a form claims %d items where %d bytes are left", n, d.left)
	}
	return int(n), nil
}

// read returns the next n bytes, which take() has not yet counted. Past bigRead they are
// read into a buffer grown as they arrive: a peer claiming more than it sends costs what
// it sent.
func (d *Reader) read(n int) ([]byte, error) {
	if err := d.take(n); err != nil {
		return nil, err
	}
	if n <= bigRead {
		b := make([]byte, n)
		_, err := io.ReadFull(d.r, b)
		return b, unexpected(err)
	}
	buf := bytes.NewBuffer(make([]byte, 0, bigRead))
	if _, err := io.CopyN(buf, d.r, int64(n)); err != nil {
		return nil, unexpected(err)
	}
	return buf.Bytes(), nil
}

// unexpected turns the end of the stream inside a form into io.ErrUnexpectedEOF: only an
// end between values is a clean one.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (d *Reader) discard(n int) error {
	if err := d.take(n); err != nil {
		return err
	}
	_, err := d.r.Discard(n)
	return unexpected(err)
}

// container reads an array (or, with isMap, a map) header and returns its item count (for
// a map, its number of pairs).
func (d *Reader) container(isMap bool) (int, error) {
	c, err := d.Code()
	if err != nil {
		return 0, err
	}
	return d.containerOf(c, isMap)
}

func (d *Reader) containerOf(c byte, isMap bool) (int, error) {
	min, low, s16, s32, name := 1, byte(0x90), byte(0xdc), byte(0xdd), "array"
	if isMap {
		min, low, s16, s32, name = 2, 0x80, 0xde, 0xdf, "map"
	}
	switch {
	case c >= low && c <= low|0x0f:
		n := int(c & 0x0f)
		if n*min > d.left {
			return 0, d.tooLarge("a %s claims %d items where %d bytes are left", name, n, d.left)
		}
		return n, nil
	case c == s16:
		return d.length(2, min)
	case c == s32:
		return d.length(4, min)
	}
	return 0, fmt.Errorf("want a %s, got msgpack code 0x%02x", name, c)
}

// ArrayLen reads an array header and returns its length.
func (d *Reader) ArrayLen() (int, error) { return d.container(false) }

// MapLen reads a map header and returns its number of pairs.
func (d *Reader) MapLen() (int, error) { return d.container(true) }

// Raw reads a str or bin (and nil, as empty) and returns its bytes.
func (d *Reader) Raw() ([]byte, error) {
	c, err := d.Code()
	if err != nil {
		return nil, err
	}
	if c == 0xc0 {
		return nil, nil
	}
	n, err := d.rawLen(c)
	if err != nil {
		return nil, err
	}
	return d.read(n)
}

// rawLen returns the length of the str or bin of code c.
func (d *Reader) rawLen(c byte) (int, error) {
	switch {
	case c >= 0xa0 && c <= 0xbf:
		return int(c & 0x1f), nil
	case c == 0xd9 || c == 0xc4:
		return d.length(1, 1)
	case c == 0xda || c == 0xc5:
		return d.length(2, 1)
	case c == 0xdb || c == 0xc6:
		return d.length(4, 1)
	}
	return 0, fmt.Errorf("want a string, got msgpack code 0x%02x", c)
}

// Str reads a str or bin as a string (nil as "").
func (d *Reader) Str() (string, error) {
	b, err := d.Raw()
	return string(b), err
}

// Bool reads a boolean.
func (d *Reader) Bool() (bool, error) {
	c, err := d.Code()
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

func (d *Reader) deeper(depth int) error {
	if depth >= d.MaxDepth {
		return fmt.Errorf("a value nested deeper than %d", d.MaxDepth)
	}
	return nil
}

// Skip skips one value of any form, found at nesting depth depth.
func (d *Reader) Skip(depth int) error {
	c, err := d.Peek()
	if err != nil {
		return unexpected(err)
	}
	switch {
	case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3: // fixint, nil, bool
		_, err := d.Code()
		return err
	case c >= 0x80 && c <= 0x9f, c == 0xdc, c == 0xdd, c == 0xde, c == 0xdf: // map or array
		if err := d.deeper(depth); err != nil {
			return err
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
			if err := d.Skip(depth + 1); err != nil {
				return err
			}
		}
		return nil
	}
	if _, err := d.Code(); err != nil {
		return err
	}
	if isRaw(c) {
		n, err := d.rawLen(c)
		if err != nil {
			return err
		}
		return d.discard(n)
	}
	n, err := d.scalarLen(c)
	if err != nil {
		return err
	}
	return d.discard(n)
}

func isRaw(c byte) bool {
	return c >= 0xa0 && c <= 0xbf || c == 0xd9 || c == 0xda || c == 0xdb || c == 0xc4 || c == 0xc5 || c == 0xc6
}

// scalarLen returns how many bytes follow code c of a number or an extension (its type
// byte included), reading an extension's length.
func (d *Reader) scalarLen(c byte) (int, error) {
	switch c {
	case 0xcc, 0xd0:
		return 1, nil
	case 0xcd, 0xd1:
		return 2, nil
	case 0xca, 0xce, 0xd2:
		return 4, nil
	case 0xcb, 0xcf, 0xd3:
		return 8, nil
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: // fixext 1, 2, 4, 8, 16
		return 1 + 1<<(c-0xd4), nil
	case 0xc7, 0xc8, 0xc9: // ext 8, 16, 32
		l, err := d.length(1<<(c-0xc7), 1)
		return l + 1, err
	}
	return 0, fmt.Errorf("msgpack code 0x%02x is not a value", c)
}

// Value reads one value found at nesting depth depth as a Go value: nil, bool, int64 (every
// integer that fits, uint64 above), float64, string (str), []byte (bin), []any, map[string]any
// (keys must be strings), and time.Time for Forward's EventTime (extension 0) and msgpack's
// timestamp (extension -1). Other extensions are an error.
func (d *Reader) Value(depth int) (any, error) {
	c, err := d.Code()
	if err != nil {
		return nil, err
	}
	switch {
	case c <= 0x7f:
		return int64(c), nil
	case c >= 0xe0:
		return int64(int8(c)), nil
	case c == 0xc0:
		return nil, nil
	case c == 0xc2 || c == 0xc3:
		return c == 0xc3, nil
	case c >= 0x80 && c <= 0x8f, c == 0xde, c == 0xdf:
		if err := d.deeper(depth); err != nil {
			return nil, err
		}
		n, err := d.containerOf(c, true)
		if err != nil {
			return nil, err
		}
		return d.mapOf(n, depth)
	case c >= 0x90 && c <= 0x9f, c == 0xdc, c == 0xdd:
		if err := d.deeper(depth); err != nil {
			return nil, err
		}
		n, err := d.containerOf(c, false)
		if err != nil {
			return nil, err
		}
		a := make([]any, 0, min(n, 1024))
		for range n {
			v, err := d.Value(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		return a, nil
	case isRaw(c):
		n, err := d.rawLen(c)
		if err != nil {
			return nil, err
		}
		b, err := d.read(n)
		if err != nil {
			return nil, err
		}
		if c >= 0xc4 && c <= 0xc6 {
			return b, nil
		}
		return string(b), nil
	}
	return d.scalar(c)
}

func (d *Reader) mapOf(n, depth int) (map[string]any, error) {
	m := make(map[string]any, min(n, 1024))
	for range n {
		c, err := d.Code()
		if err != nil {
			return nil, err
		}
		if !isRaw(c) {
			return nil, fmt.Errorf("map key of msgpack code 0x%02x, want a string", c)
		}
		l, err := d.rawLen(c)
		if err != nil {
			return nil, err
		}
		k, err := d.read(l)
		if err != nil {
			return nil, err
		}
		v, err := d.Value(depth + 1)
		if err != nil {
			return nil, err
		}
		m[string(k)] = v
	}
	return m, nil
}

// Map reads a map of string keys at nesting depth depth.
func (d *Reader) Map(depth int) (map[string]any, error) {
	if err := d.deeper(depth); err != nil {
		return nil, err
	}
	n, err := d.MapLen()
	if err != nil {
		return nil, err
	}
	return d.mapOf(n, depth)
}

// scalar reads the number or extension of code c.
func (d *Reader) scalar(c byte) (any, error) {
	switch c {
	case 0xcc, 0xcd, 0xce, 0xcf:
		u, err := d.uint(1 << (c - 0xcc))
		if err != nil {
			return nil, err
		}
		if u > math.MaxInt64 {
			return u, nil
		}
		return int64(u), nil
	case 0xd0, 0xd1, 0xd2, 0xd3:
		size := 1 << (c - 0xd0)
		u, err := d.uint(size)
		if err != nil {
			return nil, err
		}
		shift := 64 - 8*size
		return int64(u<<shift) >> shift, nil
	case 0xca:
		u, err := d.uint(4)
		return float64(math.Float32frombits(uint32(u))), err
	case 0xcb:
		u, err := d.uint(8)
		return math.Float64frombits(u), err
	}
	n, err := d.scalarLen(c)
	if err != nil {
		return nil, err
	}
	b, err := d.read(n)
	if err != nil {
		return nil, err
	}
	return Ext(int8(b[0]), b[1:])
}

// Ext decodes the extensions a Forward record may carry: EventTime (type 0, 8 bytes: seconds
// and nanoseconds, big-endian uint32 each; all zero is the zero time) and msgpack's
// timestamp (type -1, 4, 8 or 12 bytes).
func Ext(typ int8, b []byte) (time.Time, error) {
	switch {
	case typ == 0 && len(b) == 8:
		sec, ns := binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:])
		if sec == 0 && ns == 0 {
			return time.Time{}, nil
		}
		if ns >= 1e9 {
			return time.Time{}, fmt.Errorf("EventTime of %d nanoseconds", ns)
		}
		return time.Unix(int64(sec), int64(ns)), nil
	case typ == -1 && len(b) == 4:
		return time.Unix(int64(binary.BigEndian.Uint32(b)), 0), nil
	case typ == -1 && len(b) == 8:
		v := binary.BigEndian.Uint64(b)
		ns := v >> 34
		if ns >= 1e9 {
			return time.Time{}, fmt.Errorf("timestamp of %d nanoseconds", ns)
		}
		return time.Unix(int64(v&(1<<34-1)), int64(ns)), nil
	case typ == -1 && len(b) == 12:
		ns := binary.BigEndian.Uint32(b)
		if ns >= 1e9 {
			return time.Time{}, fmt.Errorf("timestamp of %d nanoseconds", ns)
		}
		return time.Unix(int64(binary.BigEndian.Uint64(b[4:])), int64(ns)), nil
	}
	return time.Time{}, fmt.Errorf("msgpack extension %d of %d bytes, want EventTime (0, 8 bytes) or a timestamp (-1)", typ, len(b))
}
