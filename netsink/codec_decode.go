package netsink

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// ErrMalformed is wrapped by every error of DecodeRecord and of the pickle decoder: the frame
// is not a valid record. The Server counts such frames and closes the connection.
var ErrMalformed = errors.New("netsink: malformed frame")

// wireMaxDepth bounds the nesting of maps and arrays in a decoded record, so a hostile frame
// of nested one-byte maps cannot exhaust the stack.
const wireMaxDepth = 32

// DecodeRecord decodes one record encoded by Msgpack (a msgpack map, without the length
// prefix). The time, level and message are restored; the attrs come back as attributes of
// the record in their original order, groups as slog.Group values, and a "source" field as
// a *slog.Source attribute named "source" (first), which slog's handlers print like their
// own AddSource output. Unknown fields are ignored so that a newer sender can add fields;
// a record of another version ("v") is refused.
//
// Hostile input is safe: every declared length is checked against the bytes actually present
// before anything is allocated — a map or array count against the bytes left once the
// entries its enclosing maps and arrays still claim are set aside — so decoding allocates in
// proportion to len(b) (at most 64 bytes per byte of input, the cost of the output itself),
// and nesting is limited to 32 levels. Errors wrap ErrMalformed. b is not retained.
func DecodeRecord(b []byte) (slog.Record, error) {
	w := wireDecPool.Get().(*wireDec)
	defer wireDecPool.Put(w)
	r, _, err := w.record(b)
	return r, err
}

// wireHeader holds the delivery fields of a record frame: present only in Socket frames.
type wireHeader struct {
	// id is the sender id, aliasing the frame: valid until the frame's buffer is reused.
	// Callers compare it (with the previous frame's, with Dedup's) and copy it only when it
	// changed, instead of paying an allocation per record.
	id     []byte
	seq    uint64
	hasSeq bool
}

// wireCursor is a byte-slice reader: the msgpack.Decoder reads headers and numbers from it,
// while payloads (strings, bins, extensions) are sliced out of it directly after their
// declared length was checked against what remains.
type wireCursor struct {
	b   []byte
	off int
}

func (c *wireCursor) Read(p []byte) (int, error) {
	if c.off >= len(c.b) {
		return 0, io.EOF
	}
	n := copy(p, c.b[c.off:])
	c.off += n
	return n, nil
}

func (c *wireCursor) ReadByte() (byte, error) {
	if c.off >= len(c.b) {
		return 0, io.EOF
	}
	c.off++
	return c.b[c.off-1], nil
}

func (c *wireCursor) UnreadByte() error {
	if c.off == 0 {
		return errors.New("netsink: unread at start")
	}
	c.off--
	return nil
}

func (c *wireCursor) remaining() int { return len(c.b) - c.off }

// wireDec decodes record frames. A Server connection owns one (so its string table learns
// that connection's keys and values); DecodeRecord and the ack reader take one from a pool.
type wireDec struct {
	cur wireCursor
	d   *msgpack.Decoder
	// strs returns recurring strings (keys, messages, level-like values) without allocating.
	strs wireStrings
	// top collects the top-level attributes before they are copied into the record, which
	// keeps up to 5 of them inline: reused from frame to frame, so a record of a few
	// attributes costs no slice. Only small ones are kept (see wireTopKeep).
	top []slog.Attr
	// reserved is the number of bytes that the entries claimed by the maps and arrays being
	// decoded, and not started yet, need at least (two per map entry, one per element).
	// A nested claim must fit in what remains beyond them: each level checked alone against
	// the remaining bytes would let 32 nested headers each claim the whole frame.
	reserved int
}

var wireDecPool = sync.Pool{New: func() any { return newWireDec() }}

func newWireDec() *wireDec {
	w := &wireDec{strs: newWireStrings()}
	w.d = msgpack.NewDecoder(&w.cur)
	return w
}

// wireTopKeep is the largest top-level attribute slice a wireDec keeps for the next frame:
// a hostile frame's million attributes must not stay allocated with the connection.
const wireTopKeep = 64

func wireMalformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// record decodes one record frame (see DecodeRecord). b is not retained, but h.id aliases it.
func (w *wireDec) record(b []byte) (rec slog.Record, h wireHeader, err error) {
	w.cur, w.reserved = wireCursor{b: b}, 0
	defer w.release()
	n, err := w.mapLen()
	if err != nil {
		return rec, h, err
	}
	var (
		version int64 = -1
		t       time.Time
		level   slog.Level
		msg     string
		src     *slog.Source
		attrs   []slog.Attr // w.top, or nil
	)
	for i := 0; i < n; i++ {
		w.startEntry()
		key, err := w.rawStr()
		if err != nil {
			return rec, h, err
		}
		switch string(key) { // compared, not converted: no allocation
		case "v":
			if version, err = w.int(); err != nil {
				return rec, h, err
			}
		case "time":
			ns, err := w.int()
			if err != nil {
				return rec, h, err
			}
			t = time.Unix(0, ns)
		case "level":
			l, err := w.int()
			if err != nil {
				return rec, h, err
			}
			if l < math.MinInt32 || l > math.MaxInt32 {
				return rec, h, wireMalformed("level %d out of range", l)
			}
			level = slog.Level(l)
		case "msg":
			if msg, err = w.str(); err != nil {
				return rec, h, err
			}
		case "id":
			if h.id, err = w.rawStr(); err != nil {
				return rec, h, err
			}
		case "seq":
			c := w.peek()
			if c == msgpcode.Uint64 || c == msgpcode.Uint32 || c == msgpcode.Uint16 || c == msgpcode.Uint8 || c <= msgpcode.PosFixedNumHigh {
				if h.seq, err = w.d.DecodeUint64(); err != nil {
					return rec, h, wireMalformed("seq: %v", err)
				}
				h.hasSeq = true
			} else {
				return rec, h, wireMalformed("seq is not an unsigned integer (code %#x)", c)
			}
		case "source":
			if src, err = w.source(); err != nil {
				return rec, h, err
			}
		case "attrs":
			if w.top, err = w.appendAttrs(w.top[:0], 1); err != nil {
				return rec, h, err
			}
			attrs = w.top
		default:
			// A field of a newer sender: skip it, within the same limits.
			if _, err := w.value(1); err != nil {
				return rec, h, err
			}
		}
	}
	if version != WireVersion {
		if version == -1 {
			return rec, h, wireMalformed("no version field")
		}
		return rec, h, wireMalformed("unsupported wire version %d", version)
	}
	if w.cur.remaining() != 0 {
		return rec, h, wireMalformed("%d bytes after the record", w.cur.remaining())
	}
	rec = slog.NewRecord(t, level, msg, 0)
	if src != nil {
		rec.AddAttrs(slog.Any(slog.SourceKey, src))
	}
	rec.AddAttrs(attrs...) // copied: inline up to 5, else into one slice of the record's own
	return rec, h, nil
}

// release drops what the last frame left referenced: the input, and the attributes (their
// values may hold the caller's data) unless the slice is small enough to keep.
func (w *wireDec) release() {
	w.cur = wireCursor{}
	if cap(w.top) > wireTopKeep {
		w.top = nil
	} else {
		clear(w.top[:cap(w.top)])
	}
}

func (w *wireDec) peek() byte {
	if w.cur.off >= len(w.cur.b) {
		return msgpcode.Nil // never reached: callers check remaining first via the decoder
	}
	return w.cur.b[w.cur.off]
}

// need fails unless n more bytes are present.
func (w *wireDec) need(n int, what string) error {
	if n < 0 || n > w.cur.remaining() {
		return wireMalformed("%s of %d bytes, only %d left", what, n, w.cur.remaining())
	}
	return nil
}

func (w *wireDec) take(n int) []byte {
	b := w.cur.b[w.cur.off : w.cur.off+n]
	w.cur.off += n
	return b
}

func (w *wireDec) mapLen() (int, error) {
	if w.cur.remaining() == 0 {
		return 0, wireMalformed("unexpected end")
	}
	var n int
	p := w.cur.b[w.cur.off:]
	switch c := p[0]; {
	// The headers the encoder writes (map16 for a record, map32 for attributes), read
	// directly like smallInt's numbers; the Decoder reads the others.
	case msgpcode.IsFixedMap(c):
		n, w.cur.off = int(c&msgpcode.FixedMapMask), w.cur.off+1
	case c == msgpcode.Map16 && len(p) >= 3:
		n, w.cur.off = int(binary.BigEndian.Uint16(p[1:])), w.cur.off+3
	case c == msgpcode.Map32 && len(p) >= 5 && binary.BigEndian.Uint32(p[1:]) <= math.MaxInt32:
		n, w.cur.off = int(binary.BigEndian.Uint32(p[1:])), w.cur.off+5
	default:
		var err error
		if n, err = w.d.DecodeMapLen(); err != nil {
			return 0, wireMalformed("map: %v", err)
		}
	}
	// Every entry takes at least two bytes (a key, a value): refuse counts the frame cannot
	// hold before anything is sized by them.
	if free := w.cur.remaining() - w.reserved; n < 0 || n > free/2 {
		return 0, wireMalformed("map of %d entries in %d bytes, of which enclosing entries need %d", n, w.cur.remaining(), w.reserved)
	}
	w.reserved += 2 * n
	return n, nil
}

// startEntry releases the reservation of the map entry about to be decoded: its bytes are
// now being read. Every loop over a mapLen calls it once per entry.
func (w *wireDec) startEntry() { w.reserved -= 2 }

// arrayLen reads an array header whose elements (one byte each at least) fit in what the
// frame has left beyond the reserved bytes, and reserves them.
func (w *wireDec) arrayLen() (int, error) {
	n, err := w.d.DecodeArrayLen()
	if err != nil {
		return 0, wireMalformed("array: %v", err)
	}
	if free := w.cur.remaining() - w.reserved; n < 0 || n > free {
		return 0, wireMalformed("array of %d elements in %d bytes, of which enclosing entries need %d", n, w.cur.remaining(), w.reserved)
	}
	w.reserved += n
	return n, nil
}

func (w *wireDec) strLen() (int, error) {
	if w.cur.remaining() == 0 {
		return 0, wireMalformed("unexpected end")
	}
	c := w.peek()
	if c >= msgpcode.FixedStrLow && c <= msgpcode.FixedStrHigh {
		// Keys and most values are short strings whose length is in the code byte: read it
		// here rather than through the msgpack.Decoder's interface calls.
		w.cur.off++
		return int(c & msgpcode.FixedStrMask), w.need(int(c&msgpcode.FixedStrMask), "string")
	}
	if !msgpcode.IsString(c) && !msgpcode.IsBin(c) {
		return 0, wireMalformed("expected a string, got code %#x", c)
	}
	n, err := w.d.DecodeBytesLen()
	if err != nil {
		return 0, wireMalformed("string: %v", err)
	}
	return n, w.need(n, "string")
}

// rawStr returns a string's bytes without copying; valid until the input is reused.
func (w *wireDec) rawStr() ([]byte, error) {
	n, err := w.strLen()
	if err != nil {
		return nil, err
	}
	return w.take(n), nil
}

// str reads a string through the connection's string table: a key or value seen recently
// costs no allocation.
func (w *wireDec) str() (string, error) {
	n, err := w.strLen()
	if err != nil {
		return "", err
	}
	return w.strs.get(w.take(n)), nil
}

// bytes reads a string or bin as a fresh byte slice.
func (w *wireDec) bytes() ([]byte, error) {
	n, err := w.strLen()
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), w.take(n)...), nil
}

func (w *wireDec) int() (int64, error) {
	if w.cur.remaining() == 0 {
		return 0, wireMalformed("unexpected end")
	}
	c := w.peek()
	if !msgpcode.IsFixedNum(c) && (c < msgpcode.Uint8 || c > msgpcode.Int64) {
		return 0, wireMalformed("expected an integer, got code %#x", c)
	}
	if n, ok := w.smallInt(c); ok {
		return n, nil
	}
	if c == msgpcode.Uint64 {
		u, err := w.d.DecodeUint64()
		if err != nil {
			return 0, wireMalformed("integer: %v", err)
		}
		if u > math.MaxInt64 {
			return 0, wireMalformed("integer %d out of range", u)
		}
		return int64(u), nil
	}
	n, err := w.d.DecodeInt64()
	if err != nil {
		return 0, wireMalformed("integer: %v", err)
	}
	return n, nil
}

// smallInt reads an integer whose code is c (at the cursor) without the msgpack.Decoder when
// it is one of the forms the encoder writes and all its bytes are present; ok is false
// otherwise, and the Decoder reads it (and reports what is wrong). Times, levels and most
// integer attributes come this way: the Decoder's reads through io.Reader cost more than the
// number.
func (w *wireDec) smallInt(c byte) (n int64, ok bool) {
	p := w.cur.b[w.cur.off:]
	switch {
	case msgpcode.IsFixedNum(c):
		n, p = int64(int8(c)), p[:1]
	case c == msgpcode.Uint8 && len(p) >= 2:
		n, p = int64(p[1]), p[:2]
	case c == msgpcode.Uint16 && len(p) >= 3:
		n, p = int64(binary.BigEndian.Uint16(p[1:])), p[:3]
	case c == msgpcode.Uint32 && len(p) >= 5:
		n, p = int64(binary.BigEndian.Uint32(p[1:])), p[:5]
	case c == msgpcode.Int8 && len(p) >= 2:
		n, p = int64(int8(p[1])), p[:2]
	case c == msgpcode.Int16 && len(p) >= 3:
		n, p = int64(int16(binary.BigEndian.Uint16(p[1:]))), p[:3]
	case c == msgpcode.Int32 && len(p) >= 5:
		n, p = int64(int32(binary.BigEndian.Uint32(p[1:]))), p[:5]
	case c == msgpcode.Int64 && len(p) >= 9:
		n, p = int64(binary.BigEndian.Uint64(p[1:])), p[:9]
	default:
		return 0, false
	}
	w.cur.off += len(p)
	return n, true
}

func (w *wireDec) source() (*slog.Source, error) {
	n, err := w.mapLen()
	if err != nil {
		return nil, err
	}
	src := &slog.Source{}
	for i := 0; i < n; i++ {
		w.startEntry()
		k, err := w.rawStr()
		if err != nil {
			return nil, err
		}
		switch string(k) {
		case "function":
			src.Function, err = w.str()
		case "file":
			src.File, err = w.str()
		case "line":
			var l int64
			l, err = w.int()
			src.Line = int(l)
		default:
			_, err = w.value(2)
		}
		if err != nil {
			return nil, err
		}
	}
	return src, nil
}

// attrs decodes a map of attributes into a slice of its own (a group's value).
func (w *wireDec) attrs(depth int) ([]slog.Attr, error) {
	return w.appendAttrs(nil, depth)
}

// appendAttrs decodes a map of attributes, appending them to as. It grows as at most once,
// to the map's length, which was checked against the bytes present (see mapLen).
func (w *wireDec) appendAttrs(as []slog.Attr, depth int) ([]slog.Attr, error) {
	if depth > wireMaxDepth {
		return as, wireMalformed("nested deeper than %d", wireMaxDepth)
	}
	n, err := w.mapLen()
	if err != nil {
		return as, err
	}
	if n == 0 {
		return as, nil
	}
	if cap(as)-len(as) < n {
		// Exactly n more, in one allocation (slices.Grow allocates twice under -race).
		as = append(make([]slog.Attr, 0, len(as)+n), as...)
	}
	for i := 0; i < n; i++ {
		w.startEntry()
		k, err := w.str()
		if err != nil {
			return as, err
		}
		v, err := w.value(depth + 1)
		if err != nil {
			return as, fmt.Errorf("attr %q: %w", k, err)
		}
		as = append(as, slog.Attr{Key: k, Value: v})
	}
	return as, nil
}

// value decodes any msgpack value into a slog.Value of the kind the encoder started from.
func (w *wireDec) value(depth int) (slog.Value, error) {
	if depth > wireMaxDepth {
		return slog.Value{}, wireMalformed("nested deeper than %d", wireMaxDepth)
	}
	if w.cur.remaining() == 0 {
		return slog.Value{}, wireMalformed("unexpected end")
	}
	c := w.peek()
	switch {
	case msgpcode.IsFixedNum(c) || (c >= msgpcode.Uint8 && c <= msgpcode.Int64 && c != msgpcode.Uint64):
		if n, ok := w.smallInt(c); ok {
			return slog.Int64Value(n), nil
		}
		n, err := w.d.DecodeInt64()
		if err != nil {
			return slog.Value{}, wireMalformed("integer: %v", err)
		}
		return slog.Int64Value(n), nil
	case c == msgpcode.Uint64:
		n, err := w.d.DecodeUint64()
		if err != nil {
			return slog.Value{}, wireMalformed("integer: %v", err)
		}
		return slog.Uint64Value(n), nil
	case c == msgpcode.Nil:
		w.cur.off++
		return slog.AnyValue(nil), nil
	case c == msgpcode.True || c == msgpcode.False:
		w.cur.off++
		return slog.BoolValue(c == msgpcode.True), nil
	case c == msgpcode.Float:
		f, err := w.d.DecodeFloat32()
		if err != nil {
			return slog.Value{}, wireMalformed("float: %v", err)
		}
		return slog.Float64Value(float64(f)), nil
	case c == msgpcode.Double:
		f, err := w.d.DecodeFloat64()
		if err != nil {
			return slog.Value{}, wireMalformed("float: %v", err)
		}
		return slog.Float64Value(f), nil
	case msgpcode.IsString(c):
		s, err := w.str()
		return slog.StringValue(s), err
	case msgpcode.IsBin(c):
		b, err := w.bytes()
		return slog.AnyValue(b), err
	case msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32:
		as, err := w.attrs(depth)
		return slog.GroupValue(as...), err
	case msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32:
		return w.array(depth)
	case msgpcode.IsExt(c):
		return w.ext()
	}
	return slog.Value{}, wireMalformed("unknown code %#x", c)
}

// array decodes a msgpack array (which this package's encoder never writes, but other
// senders of the format may) as an []any of plain Go values.
func (w *wireDec) array(depth int) (slog.Value, error) {
	n, err := w.arrayLen()
	if err != nil {
		return slog.Value{}, err
	}
	out := make([]any, 0, n) // n fits in the unreserved bytes: see arrayLen
	for i := 0; i < n; i++ {
		w.reserved--
		v, err := w.value(depth + 1)
		if err != nil {
			return slog.Value{}, err
		}
		out = append(out, wireToAny(v))
	}
	return slog.AnyValue(out), nil
}

// wireToAny turns a decoded value into a plain Go value, groups into maps.
func wireToAny(v slog.Value) any {
	if v.Kind() != slog.KindGroup {
		return v.Any()
	}
	m := make(map[string]any, len(v.Group()))
	for _, a := range v.Group() {
		m[a.Key] = wireToAny(a.Value)
	}
	return m
}

func (w *wireDec) ext() (slog.Value, error) {
	id, n, err := w.d.DecodeExtHeader()
	if err != nil {
		return slog.Value{}, wireMalformed("extension: %v", err)
	}
	if err := w.need(n, "extension"); err != nil {
		return slog.Value{}, err
	}
	p := w.take(n)
	switch id {
	case -1:
		t, err := wireTimestamp(p)
		return slog.TimeValue(t), err
	case wireExtDuration:
		if n != 8 {
			return slog.Value{}, wireMalformed("duration of %d bytes", n)
		}
		return slog.DurationValue(time.Duration(binary.BigEndian.Uint64(p))), nil
	case wireExtJSON:
		if !json.Valid(p) {
			return slog.Value{}, wireMalformed("invalid JSON value")
		}
		return slog.AnyValue(RawJSON(append([]byte(nil), p...))), nil
	}
	return slog.Value{}, wireMalformed("unknown extension type %d", id)
}

// wireTimestamp decodes msgpack's timestamp extension (32, 64 and 96-bit forms).
func wireTimestamp(p []byte) (time.Time, error) {
	var sec int64
	var nsec uint64
	switch len(p) {
	case 4:
		sec = int64(binary.BigEndian.Uint32(p))
	case 8:
		d := binary.BigEndian.Uint64(p)
		nsec, sec = d>>34, int64(d&(1<<34-1))
	case 12:
		nsec = uint64(binary.BigEndian.Uint32(p))
		sec = int64(binary.BigEndian.Uint64(p[4:]))
	default:
		return time.Time{}, wireMalformed("timestamp of %d bytes", len(p))
	}
	if nsec >= 1e9 {
		return time.Time{}, wireMalformed("timestamp nanoseconds %d", nsec)
	}
	t := time.Unix(sec, int64(nsec))
	if t.IsZero() {
		return t.UTC(), nil
	}
	return t, nil
}
