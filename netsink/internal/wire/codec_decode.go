package wire

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
	"unsafe"

	"github.com/vmihailenco/msgpack/v5"
)

// ErrMalformed is wrapped by every error of DecodeRecord and of the pickle decoder: the frame
// is not a valid record. The Server counts such frames and closes the connection.
var ErrMalformed = errors.New("netsink: malformed frame")

// MaxDepth bounds the nesting of maps and arrays in a decoded record, so a hostile frame
// of nested one-byte maps cannot exhaust the stack.
const MaxDepth = 32

// DecodeRecord decodes one record encoded by New (a msgpack map, without the length
// prefix). The time, level and message are restored; the attrs come back as attributes of
// the record in their original order, groups as slog.Group values, and a "source" field as
// a *slog.Source attribute named "source" (first), which slog's handlers print like their
// own AddSource output. Unknown fields are ignored so that a newer sender can add fields;
// a record of another version ("v") is refused.
//
// Hostile input is safe: decoding allocates at most 8 bytes per byte of b plus 4 KiB
// (BudgetPerByte, BudgetSlack in the wire package), whatever the lengths inside claim —
// a map or array count is checked against the bytes actually present and never sizes an
// allocation beyond that budget — and nesting is limited to 32 levels. A valid frame
// denser than that (attributes of a few bytes each: 2 bytes on the wire become a 40-byte
// slog.Attr) is refused, with an error wrapping ErrMalformed, before the allocation that
// would exceed it; a record whose attributes take 13 bytes or more each on the wire (a
// 9-character key and a small integer) fits (TestDecodeRecordBudgetKeepsRealRecords).
// Errors wrap ErrMalformed. b is not retained.
func DecodeRecord(b []byte) (r slog.Record, err error) {
	w := DecPool.Get().(*Dec)
	var h Header
	err = w.RecordInto(b, &r, &h) // into the result: a record is some 300 bytes to copy
	DecPool.Put(w)
	return r, err
}

// Header holds the delivery fields of a record frame: present only in Socket frames.
type Header struct {
	// id is the sender id, aliasing the frame: valid until the frame's buffer is reused.
	// Callers compare it (with the previous frame's, with Dedup's) and copy it only when it
	// changed, instead of paying an allocation per record.
	ID     []byte
	Seq    uint64
	HasSeq bool
}

// Cursor is a byte-slice reader: the msgpack.Decoder reads headers and numbers from it,
// while payloads (strings, bins, extensions) are sliced out of it directly after their
// declared length was checked against what remains.
type Cursor struct {
	b   []byte
	off int
}

func (c *Cursor) Read(p []byte) (int, error) {
	if c.off >= len(c.b) {
		return 0, io.EOF
	}
	n := copy(p, c.b[c.off:])
	c.off += n
	return n, nil
}

func (c *Cursor) ReadByte() (byte, error) {
	if c.off >= len(c.b) {
		return 0, io.EOF
	}
	c.off++
	return c.b[c.off-1], nil
}

func (c *Cursor) UnreadByte() error {
	if c.off == 0 {
		return errors.New("netsink: unread at start")
	}
	c.off--
	return nil
}

func (c *Cursor) remaining() int { return len(c.b) - c.off }

// Dec decodes record frames. A Server connection owns one (so its string table learns
// that connection's keys and values); DecodeRecord and the ack reader take one from a pool.
type Dec struct {
	cur Cursor
	d   *msgpack.Decoder
	// strs returns recurring strings (keys, messages, level-like values) without allocating.
	strs wireStrings
	// stack holds the attributes of the maps being decoded, each map's after its
	// enclosing map's: a group's are moved into a slice of exactly their number when it
	// ends (see popGroup), the record's are copied by slog.Record.AddAttrs. It grows as
	// entries are decoded, never by what a header claims, and is reused from frame to
	// frame up to wireTopKeep entries (keep is that slice). A record of up to wireTopInline
	// attributes and no group does not use it (see topAttrs).
	stack, keep []slog.Attr
	stackUsed   bool
	// budget is what the frame may still allocate (see Budget, charge).
	budget int64
	// errKeys are the keys of the attributes whose value failed to decode, innermost
	// first (see inAttr).
	errKeys  [MaxDepth + 1]string
	nErrKeys int
	// reserved is the number of bytes that the entries claimed by the maps and arrays being
	// decoded, and not started yet, need at least (two per map entry, one per element).
	// A nested claim must fit in what remains beyond them: each level checked alone against
	// the remaining bytes would let 32 nested headers each claim the whole frame.
	reserved int
}

var DecPool = sync.Pool{New: func() any { return NewDec() }}

func NewDec() *Dec {
	w := &Dec{strs: newWireStrings(), keep: make([]slog.Attr, 0, wireTopKeep)}
	w.stack = w.keep
	w.strs.budget = &w.budget
	w.d = msgpack.NewDecoder(&w.cur)
	return w
}

// wireTopKeep is the largest attribute stack a Dec keeps for the next frame: a hostile
// frame's million attributes must not stay allocated with the connection.
const wireTopKeep = 64

func Malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// record decodes one record frame (see DecodeRecord). b is not retained, but h.ID aliases it.
func (w *Dec) record(b []byte) (rec slog.Record, h Header, err error) {
	err = w.RecordInto(b, &rec, &h)
	return rec, h, err
}

// RecordInto is record writing into *rec and *h, which the Server keeps on its stack: a
// record is some 300 bytes, copied at every return, and a header, 40, copied through a
// temporary that stalled the store buffer. rec must be a zero slog.Record (it is not
// cleared first: every caller has a new one); on error it is zero again.
func (w *Dec) RecordInto(b []byte, rec *slog.Record, h *Header) error {
	w.start(b)
	w.strs.frame()
	// Not deferred: a defer in a function with as many returns as fields is not open-coded,
	// and cost a twentieth of the decode.
	err := w.fields(rec, h)
	if err != nil {
		*rec = slog.Record{}
		if w.nErrKeys > 0 {
			err = w.attrPathError(err)
		}
	}
	w.release()
	return err
}

// start prepares w to decode the frame b, with b's allocation budget.
func (w *Dec) start(b []byte) {
	w.cur, w.reserved, w.budget, w.nErrKeys = Cursor{b: b}, 0, Budget(len(b))-wireErrReserve, 0
}

// wireTopInline is how many attributes a slog.Record holds without a slice of its own.
const wireTopInline = 5

// The fields of a record, told apart by wireField.
const (
	fieldOther = iota
	fieldV
	fieldTime
	fieldLevel
	fieldMsg
	fieldID
	fieldSeq
	fieldSource
	fieldAttrs
)

// wireField tells which field key names: by its length, then its bytes compared in place,
// where a switch over the names compared them with calls to runtime.memequal.
func wireField(key []byte) int {
	switch len(key) {
	case 1:
		if key[0] == 'v' {
			return fieldV
		}
	case 2:
		if key[0] == 'i' && key[1] == 'd' {
			return fieldID
		}
	case 3:
		switch {
		case key[0] == 'm' && key[1] == 's' && key[2] == 'g':
			return fieldMsg
		case key[0] == 's' && key[1] == 'e' && key[2] == 'q':
			return fieldSeq
		}
	case 4:
		if binary.LittleEndian.Uint32(key) == 't'|'i'<<8|'m'<<16|'e'<<24 {
			return fieldTime
		}
	case 5:
		switch binary.LittleEndian.Uint32(key) {
		case 'l' | 'e'<<8 | 'v'<<16 | 'e'<<24:
			if key[4] == 'l' {
				return fieldLevel
			}
		case 'a' | 't'<<8 | 't'<<16 | 'r'<<24:
			if key[4] == 's' {
				return fieldAttrs
			}
		}
	case 6:
		if binary.LittleEndian.Uint32(key) == 's'|'o'<<8|'u'<<16|'r'<<24 && key[4] == 'c' && key[5] == 'e' {
			return fieldSource
		}
	}
	return fieldOther
}

// fields decodes the record map at the cursor into rec, which is zero.
func (w *Dec) fields(rec *slog.Record, h *Header) error {
	n, err := w.mapLen()
	if err != nil {
		return err
	}
	// The time, level and message go straight into rec: a loop carrying them in variables
	// spent a tenth of the decode moving them between registers and the stack.
	var (
		version int64 = -1
		src     *slog.Source
		attrs   []slog.Attr // in small, or on w.stack
		// small holds the attributes of a record that the record holds inline: on the
		// stack, they are written without the garbage collector's write barriers and need
		// no clearing after the frame, as w.stack does.
		small [wireTopInline]slog.Attr
	)
	i := w.plainPrefix(n, rec, h, &version)
	w.reserved -= 2 * i // the entries it read (see startEntry)
	// The attributes, next in the encoder's order.
	if i < n && w.hasKey("\xa5attrs") {
		w.startEntry()
		if attrs, err = w.topAttrs(small[:0]); err != nil {
			return err
		}
		i++
	}
	for ; i < n; i++ {
		w.startEntry()
		// Every name the encoder writes is a fixstr, taken here without a call (rawStr
		// reads the other forms): the names are most of the fields' cost.
		key, ok := w.fixStr()
		if !ok {
			if key, err = w.rawStr(); err != nil {
				return err
			}
		}
		switch wireField(key) {
		case fieldV:
			var ok bool
			if version, ok = w.fastInt(); !ok { // fastInt inlined: int is not
				if version, err = w.slowInt(); err != nil {
					return err
				}
			}
		case fieldTime:
			ns, ok := w.fastInt()
			if !ok {
				if ns, err = w.slowInt(); err != nil {
					return err
				}
			}
			rec.Time = time.Unix(0, ns)
		case fieldLevel:
			l, ok := w.fastInt()
			if !ok {
				if l, err = w.slowInt(); err != nil {
					return err
				}
			}
			if l < math.MinInt32 || l > math.MaxInt32 {
				return Malformed("level %d out of range", l)
			}
			rec.Level = slog.Level(l)
		case fieldMsg:
			if b, ok := w.fixStr(); ok {
				rec.Message = w.strs.get(b)
			} else if rec.Message, err = w.str(); err != nil {
				return err
			}
		case fieldID:
			var ok bool
			if h.ID, ok = w.fastBin8(); !ok {
				if h.ID, err = w.rawStr(); err != nil {
					return err
				}
			}
		case fieldSeq:
			var ok bool
			if h.Seq, ok = w.fastUint64(); !ok {
				if h.Seq, err = w.seq(); err != nil {
					return err
				}
			}
			h.HasSeq = true
		case fieldSource:
			if src, err = w.source(); err != nil {
				return err
			}
		case fieldAttrs:
			if attrs, err = w.topAttrs(small[:0]); err != nil {
				return err
			}
		default:
			// A field of a newer sender: skip it, within the same limits.
			if _, err := w.value(1); err != nil {
				return err
			}
		}
	}
	return w.finish(rec, version, src, attrs)
}

// finish checks what fields read as a whole (version, trailing bytes, the budget) and adds
// the source and the attributes to rec.
func (w *Dec) finish(rec *slog.Record, version int64, src *slog.Source, attrs []slog.Attr) error {
	if version != Version {
		if version == -1 {
			return Malformed("no version field")
		}
		return Malformed("unsupported wire version %d", version)
	}
	if w.cur.remaining() != 0 {
		return Malformed("%d bytes after the record", w.cur.remaining())
	}
	if w.budget < 0 {
		return w.tooDense() // a string was refused (see wireStrings.alloc)
	}
	// What AddAttrs allocates: a slice for the attributes past the inline ones.
	nBack := len(attrs) - wireTopInline
	if src != nil {
		nBack++
	}
	if nBack > 0 {
		if err := w.charge(allocCost(nBack * attrSize)); err != nil {
			return err
		}
	}
	if src != nil {
		rec.AddAttrs(slog.Any(slog.SourceKey, src))
	}
	rec.AddAttrs(attrs...) // copied: inline up to 5, else into one slice of the record's own
	return nil
}

// plainPrefix reads the fields appendPlain writes before "attrs", in its order: "v",
// Socket's "id" and "seq", "time", "level", "msg", each name matched in place and its
// value in its usual form, and returns how many of the n fields it read. It stops before
// the first field that is not the next of these or not in that form, for fields' loop to
// read it and the rest, in any order.
func (w *Dec) plainPrefix(n int, rec *slog.Record, h *Header, version *int64) int {
	i, at := 0, w.cur.off
	if i < n && w.hasKey("\xa1v") {
		v, ok := w.fastInt()
		if !ok {
			w.cur.off = at
			return i
		}
		*version = v
		i, at = i+1, w.cur.off
	}
	if i+1 < n && w.hasKey("\xa2id") {
		id, ok := w.fastBin8()
		if !ok || !w.hasKey("\xa3seq") {
			w.cur.off = at
			return i
		}
		seq, ok := w.fastUint64()
		if !ok {
			w.cur.off = at
			return i
		}
		h.ID, h.Seq, h.HasSeq = id, seq, true
		i, at = i+2, w.cur.off
	}
	if i < n && w.hasKey("\xa4time") {
		ns, ok := w.fastInt()
		if !ok {
			w.cur.off = at
			return i
		}
		rec.Time = time.Unix(0, ns)
		i, at = i+1, w.cur.off
	}
	if i < n && w.hasKey("\xa5level") {
		l, ok := w.fastInt()
		if !ok || l < math.MinInt32 || l > math.MaxInt32 {
			w.cur.off = at
			return i
		}
		rec.Level = slog.Level(l)
		i, at = i+1, w.cur.off
	}
	if i < n && w.hasKey("\xa3msg") {
		if b, ok := w.fixStr(); ok {
			m, ok := w.strs.hit(b)
			if !ok {
				m = w.strs.miss(b)
			}
			rec.Message = m
		} else if m, err := w.str(); err == nil { // a longer message
			rec.Message = m
		} else {
			w.cur.off = at
			return i
		}
		i++
	}
	return i
}

// hasKey takes the bytes k at the cursor, if they are there.
func (w *Dec) hasKey(k string) bool {
	b, off := w.cur.b, w.cur.off
	if off+len(k) <= len(b) && string(b[off:off+len(k)]) == k {
		w.cur.off += len(k)
		return true
	}
	return false
}

// topAttrs decodes the record's attributes: into small when they are few enough for the
// record to hold inline (see fields), else onto w.stack.
func (w *Dec) topAttrs(small []slog.Attr) ([]slog.Attr, error) {
	n, err := w.mapLen()
	if err != nil {
		return nil, err
	}
	if n > cap(small) {
		w.stackUsed = true
		base := len(w.stack)
		err := w.entries(n, 1)
		return w.stack[base:], err
	}
	// The loop of entries, repeated: entries is recursive (through value, for groups), so
	// the compiler assumes that what it is given escapes, and would move small to the heap.
	// Key and Value are stored apart: a slog.Attr built whole goes through a temporary,
	// whose copy stalled the store buffer.
	as := small[:n]
	for i := range as {
		w.startEntry()
		// str, with the fixstr every key the encoder writes read without a call.
		var k string
		if b, ok := w.fixStr(); ok {
			if k, ok = w.strs.hit(b); !ok {
				k = w.strs.miss(b)
			}
		} else if k, err = w.str(); err != nil {
			return as[:i], err
		}
		v, ok := w.plainValue()
		if !ok {
			if v, err = w.value(2); err != nil {
				return as[:i], w.inAttr(k, err)
			}
		}
		as[i].Key = k
		as[i].Value = v
	}
	return as, nil
}

// plainValue reads, without a call, the value at the cursor when it has one of the forms
// the encoder writes for a plain attribute (small integer, short string, float64, bool,
// duration) and all its bytes are present; ok is false otherwise, and value reads it.
func (w *Dec) plainValue() (v slog.Value, ok bool) {
	b, off := w.cur.b, w.cur.off
	if off >= len(b) {
		return v, false
	}
	switch c := b[off]; {
	case c <= mpPosFixedNumHigh:
		w.cur.off++
		return slog.Int64Value(int64(c)), true
	case c&^mpFixedStrMask == MpFixedStrLow:
		if b, ok := w.fixStr(); ok {
			s, ok := w.strs.hit(b)
			if !ok {
				s = w.strs.miss(b)
			}
			return slog.StringValue(s), true
		}
	case c == mpDouble && off+9 <= len(b):
		w.cur.off += 9
		return slog.Float64Value(math.Float64frombits(binary.BigEndian.Uint64(b[off+1 : off+9]))), true
	case c == mpTrue || c == mpFalse:
		w.cur.off++
		return slog.BoolValue(c == mpTrue), true
	case c == mpFixExt8 && off+10 <= len(b) && int8(b[off+1]) == wireExtDuration:
		w.cur.off += 10
		return slog.DurationValue(time.Duration(binary.BigEndian.Uint64(b[off+2 : off+10]))), true
	case c >= mpUint8 && c <= mpInt64 && c != mpUint64:
		if n, ok := w.smallInt(c); ok {
			return slog.Int64Value(n), true
		}
	case c >= mpNegFixedNumLow:
		w.cur.off++
		return slog.Int64Value(int64(int8(c))), true
	}
	return v, false
}

// release drops what the last frame left referenced: the input, and the attributes (their
// values may hold the caller's data) unless the slice is small enough to keep.
func (w *Dec) release() {
	w.cur = Cursor{}
	if w.stackUsed {
		w.stackUsed = false
		clear(w.keep[:cap(w.keep)]) // groups taken off the stack left their entries past len
		w.stack = w.keep[:0]
	}
}

func (w *Dec) peek() byte {
	if w.cur.off >= len(w.cur.b) {
		return mpNil // never reached: callers check remaining first via the decoder
	}
	return w.cur.b[w.cur.off]
}

// need fails unless n more bytes are present.
func (w *Dec) need(n int, what string) error {
	if n < 0 || n > w.cur.remaining() {
		return w.short(n, what)
	}
	return nil
}

// short is need's error, apart so that need stays small enough to inline.
func (w *Dec) short(n int, what string) error {
	return Malformed("%s of %d bytes, only %d left", what, n, w.cur.remaining())
}

func (w *Dec) take(n int) []byte {
	b := w.cur.b[w.cur.off : w.cur.off+n]
	w.cur.off += n
	return b
}

func (w *Dec) mapLen() (int, error) {
	// The headers the encoder writes (map16 for a record, map32 for attributes), read
	// directly like smallInt's numbers; the Decoder reads the others.
	b, off := w.cur.b, w.cur.off
	var n int
	switch {
	case off >= len(b):
		return 0, Malformed("unexpected end")
	case b[off]&^mpFixedMapMask == mpFixedMapLow:
		n, off = int(b[off]&mpFixedMapMask), off+1
	case b[off] == mpMap32 && off+5 <= len(b):
		n, off = int(binary.BigEndian.Uint32(b[off+1:off+5])), off+5 // < 2^32: checked below
	case b[off] == mpMap16 && off+3 <= len(b):
		n, off = int(binary.BigEndian.Uint16(b[off+1:off+3])), off+3
	default:
		var err error
		if n, err = w.d.DecodeMapLen(); err != nil {
			return 0, Malformed("map: %v", err)
		}
		off = w.cur.off
	}
	w.cur.off = off
	// Every entry takes at least two bytes (a key, a value): refuse counts the frame cannot
	// hold before anything is sized by them.
	if free := w.cur.remaining() - w.reserved; n < 0 || n > free/2 {
		return 0, Malformed("map of %d entries in %d bytes, of which enclosing entries need %d", n, w.cur.remaining(), w.reserved)
	}
	w.reserved += 2 * n
	return n, nil
}

// startEntry releases the reservation of the map entry about to be decoded: its bytes are
// now being read. Every loop over a mapLen calls it once per entry.
func (w *Dec) startEntry() { w.reserved -= 2 }

// arrayLen reads an array header whose elements (one byte each at least) fit in what the
// frame has left beyond the reserved bytes, and reserves them.
func (w *Dec) arrayLen() (int, error) {
	n, err := w.d.DecodeArrayLen()
	if err != nil {
		return 0, Malformed("array: %v", err)
	}
	if free := w.cur.remaining() - w.reserved; n < 0 || n > free {
		return 0, Malformed("array of %d elements in %d bytes, of which enclosing entries need %d", n, w.cur.remaining(), w.reserved)
	}
	w.reserved += n
	return n, nil
}

// fixStr takes a fixstr, the form of keys and most values (its length is in the code byte),
// when its bytes are all present: one bounds check where strLen, need and take make three,
// on the path every key takes. ok is false for any other form, or a fixstr longer than what
// remains, for strLen to read or report.
func (w *Dec) fixStr() (_ []byte, ok bool) {
	b, off := w.cur.b, w.cur.off
	if off >= len(b) || b[off]&^mpFixedStrMask != MpFixedStrLow {
		return nil, false
	}
	end := off + 1 + int(b[off]&mpFixedStrMask)
	if end > len(b) {
		return nil, false
	}
	w.cur.off = end
	return b[off+1 : end], true
}

// strLen reads the header of a string or bin whose bytes are all present, and returns its
// length.
func (w *Dec) strLen() (int, error) {
	if w.cur.remaining() == 0 {
		return 0, Malformed("unexpected end")
	}
	c := w.peek()
	if c&^mpFixedStrMask == MpFixedStrLow {
		w.cur.off++
		return int(c & mpFixedStrMask), w.need(int(c&mpFixedStrMask), "string")
	}
	switch c {
	case MpStr8, mpBin8:
		// Socket's sender id (bin8) is in every frame: read directly when present.
		if p := w.cur.b[w.cur.off:]; len(p) >= 2 {
			w.cur.off += 2
			return int(p[1]), w.need(int(p[1]), "string")
		}
	case MpStr16, MpStr32, mpBin16, mpBin32:
	default:
		return 0, Malformed("expected a string, got code %#x", c)
	}
	n, err := w.d.DecodeBytesLen()
	if err != nil {
		return 0, Malformed("string: %v", err)
	}
	return n, w.need(n, "string")
}

// rawStr returns a string's bytes without copying; valid until the input is reused.
func (w *Dec) rawStr() ([]byte, error) {
	if b, ok := w.fixStr(); ok {
		return b, nil
	}
	n, err := w.strLen()
	if err != nil {
		return nil, err
	}
	return w.take(n), nil
}

// str reads a string through the connection's string table: a key or value seen recently
// costs no allocation.
func (w *Dec) str() (string, error) {
	if b, ok := w.fixStr(); ok {
		return w.strs.get(b), nil
	}
	n, err := w.strLen()
	if err != nil {
		return "", err
	}
	return w.strs.get(w.take(n)), nil
}

// bytes reads a string or bin as a fresh byte slice, boxed by the caller (slog.AnyValue).
func (w *Dec) bytes() ([]byte, error) {
	n, err := w.strLen()
	if err != nil {
		return nil, err
	}
	if err := w.charge(allocCost(n) + allocCost(24)); err != nil {
		return nil, err
	}
	return append([]byte(nil), w.take(n)...), nil
}

func (w *Dec) int() (int64, error) {
	if n, ok := w.fastInt(); ok {
		return n, nil
	}
	return w.slowInt()
}

// fastInt reads, small enough to be inlined, an integer in the two forms the encoder writes
// most: a fixint (versions, levels) and int64 (times).
func (w *Dec) fastInt() (int64, bool) {
	b, off := w.cur.b, w.cur.off
	if off < len(b) {
		if c := b[off]; wireIsFixNum(c) {
			w.cur.off++
			return int64(int8(c)), true
		} else if c == mpInt64 && off+9 <= len(b) {
			w.cur.off += 9
			return int64(binary.BigEndian.Uint64(b[off+1 : off+9])), true
		}
	}
	return 0, false
}

// fastBin8 reads, small enough to be inlined, a bin8 (Socket's sender id) whose bytes are
// all present, without copying it.
func (w *Dec) fastBin8() ([]byte, bool) {
	b, off := w.cur.b, w.cur.off
	if off+2 <= len(b) && b[off] == mpBin8 {
		if end := off + 2 + int(b[off+1]); end <= len(b) {
			w.cur.off = end
			return b[off+2 : end], true
		}
	}
	return nil, false
}

// fastUint64 reads, small enough to be inlined, a uint64 in its 9-byte form (Socket's
// sequence number).
func (w *Dec) fastUint64() (uint64, bool) {
	b, off := w.cur.b, w.cur.off
	if off+9 <= len(b) && b[off] == mpUint64 {
		w.cur.off += 9
		return binary.BigEndian.Uint64(b[off+1 : off+9]), true
	}
	return 0, false
}

// slowInt is int for the other forms.
func (w *Dec) slowInt() (int64, error) {
	if w.cur.remaining() == 0 {
		return 0, Malformed("unexpected end")
	}
	c := w.peek()
	if n, ok := w.smallInt(c); ok {
		return n, nil
	}
	if !wireIsFixNum(c) && (c < mpUint8 || c > mpInt64) {
		return 0, Malformed("expected an integer, got code %#x", c)
	}
	if c == mpUint64 {
		u, err := w.uint64()
		if err != nil {
			return 0, Malformed("integer: %v", err)
		}
		if u > math.MaxInt64 {
			return 0, Malformed("integer %d out of range", u)
		}
		return int64(u), nil
	}
	n, err := w.d.DecodeInt64()
	if err != nil {
		return 0, Malformed("integer: %v", err)
	}
	return n, nil
}

// wireIsFixNum reports whether c is a positive or negative fixint: the value is the code.
func wireIsFixNum(c byte) bool { return c <= mpPosFixedNumHigh || c >= mpNegFixedNumLow }

// smallInt reads an integer whose code is c (at the cursor) without the msgpack.Decoder when
// it is one of the forms the encoder writes and all its bytes are present; ok is false
// otherwise, and the Decoder reads it (and reports what is wrong). Times, levels and most
// integer attributes come this way: the Decoder's reads through io.Reader cost more than the
// number.
func (w *Dec) smallInt(c byte) (n int64, ok bool) {
	if wireIsFixNum(c) {
		w.cur.off++
		return int64(int8(c)), true
	}
	p := w.cur.b[w.cur.off:]
	switch {
	case c == mpUint8 && len(p) >= 2:
		n, p = int64(p[1]), p[:2]
	case c == mpUint16 && len(p) >= 3:
		n, p = int64(binary.BigEndian.Uint16(p[1:])), p[:3]
	case c == mpUint32 && len(p) >= 5:
		n, p = int64(binary.BigEndian.Uint32(p[1:])), p[:5]
	case c == mpInt8 && len(p) >= 2:
		n, p = int64(int8(p[1])), p[:2]
	case c == mpInt16 && len(p) >= 3:
		n, p = int64(int16(binary.BigEndian.Uint16(p[1:]))), p[:3]
	case c == mpInt32 && len(p) >= 5:
		n, p = int64(int32(binary.BigEndian.Uint32(p[1:]))), p[:5]
	case c == mpInt64 && len(p) >= 9:
		n, p = int64(binary.BigEndian.Uint64(p[1:])), p[:9]
	default:
		return 0, false
	}
	w.cur.off += len(p)
	return n, true
}

// uint64 reads a uint64 at the cursor: Socket's "seq" and KindUint64 values are always in
// the 9-byte form, read here directly; the Decoder reads (or refuses) anything else.
func (w *Dec) uint64() (uint64, error) {
	if p := w.cur.b[w.cur.off:]; len(p) >= 9 && p[0] == mpUint64 {
		w.cur.off += 9
		return binary.BigEndian.Uint64(p[1:]), nil
	}
	return w.d.DecodeUint64()
}

// seq reads Socket's sequence number, an unsigned integer.
func (w *Dec) seq() (uint64, error) {
	c := w.peek()
	if c != mpUint64 && c != mpUint32 && c != mpUint16 && c != mpUint8 && c > mpPosFixedNumHigh {
		return 0, Malformed("seq is not an unsigned integer (code %#x)", c)
	}
	n, err := w.uint64()
	if err != nil {
		return 0, Malformed("seq: %v", err)
	}
	return n, nil
}

func (w *Dec) source() (*slog.Source, error) {
	n, err := w.mapLen()
	if err != nil {
		return nil, err
	}
	if err := w.charge(allocCost(int(unsafe.Sizeof(slog.Source{})))); err != nil {
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

// attrs decodes a map of attributes into a slice of its own (a group's value), of exactly
// as many attributes as it holds: they are decoded onto w.stack, then moved.
func (w *Dec) attrs(depth int) ([]slog.Attr, error) {
	if depth > MaxDepth {
		return nil, Malformed("nested deeper than %d", MaxDepth)
	}
	n, err := w.mapLen()
	if err != nil || n == 0 {
		return nil, err
	}
	w.stackUsed = true
	base := len(w.stack)
	if err := w.entries(n, depth); err != nil {
		return nil, err
	}
	return w.popGroup(base)
}

// entries decodes the n entries of a map of attributes whose header was read onto
// w.stack, which grows as they decode: n is a claim, checked against the bytes present
// (see mapLen) but not trusted with an allocation.
func (w *Dec) entries(n, depth int) error {
	for i := 0; i < n; i++ {
		w.startEntry()
		k, err := w.str()
		if err != nil {
			return err
		}
		v, err := w.value(depth + 1)
		if err != nil {
			return w.inAttr(k, err)
		}
		if err := w.pushAttr(k, v); err != nil {
			return err
		}
	}
	return nil
}

// value decodes any msgpack value into a slog.Value of the kind the encoder started from.
// The code byte picks the form: the ranges of the fixed forms first (small integers, short
// strings, small maps and arrays), then a switch over the other codes.
func (w *Dec) value(depth int) (slog.Value, error) {
	if depth > MaxDepth {
		return slog.Value{}, Malformed("nested deeper than %d", MaxDepth)
	}
	if w.cur.remaining() == 0 {
		return slog.Value{}, Malformed("unexpected end")
	}
	c := w.peek()
	switch {
	case wireIsFixNum(c):
		w.cur.off++
		return slog.Int64Value(int64(int8(c))), nil
	case c&^mpFixedStrMask == MpFixedStrLow:
		s, err := w.str()
		return slog.StringValue(s), err
	case c >= mpFixedMapLow && c <= mpFixedMapHigh:
		as, err := w.attrs(depth)
		return slog.GroupValue(as...), err
	case c >= mpFixedArrayLow && c <= mpFixedArrayHigh:
		return w.array(depth)
	}
	switch c {
	case mpUint8, mpUint16, mpUint32, mpInt8, mpInt16, mpInt32, mpInt64:
		if n, ok := w.smallInt(c); ok {
			return slog.Int64Value(n), nil
		}
		n, err := w.d.DecodeInt64()
		if err != nil {
			return slog.Value{}, Malformed("integer: %v", err)
		}
		return slog.Int64Value(n), nil
	case mpUint64:
		n, err := w.uint64()
		if err != nil {
			return slog.Value{}, Malformed("integer: %v", err)
		}
		return slog.Uint64Value(n), nil
	case mpNil:
		w.cur.off++
		return slog.AnyValue(nil), nil
	case mpTrue, mpFalse:
		w.cur.off++
		return slog.BoolValue(c == mpTrue), nil
	case mpFloat:
		f, err := w.float32()
		if err != nil {
			return slog.Value{}, Malformed("float: %v", err)
		}
		return slog.Float64Value(float64(f)), nil
	case mpDouble:
		f, err := w.float64()
		if err != nil {
			return slog.Value{}, Malformed("float: %v", err)
		}
		return slog.Float64Value(f), nil
	case MpStr8, MpStr16, MpStr32:
		s, err := w.str()
		return slog.StringValue(s), err
	case mpBin8, mpBin16, mpBin32:
		b, err := w.bytes()
		return slog.AnyValue(b), err
	case mpMap16, mpMap32:
		as, err := w.attrs(depth)
		return slog.GroupValue(as...), err
	case mpArray16, mpArray32:
		return w.array(depth)
	case mpFixExt1, mpFixExt2, mpFixExt4, mpFixExt8, mpFixExt16, mpExt8, mpExt16, mpExt32:
		return w.ext()
	}
	return slog.Value{}, Malformed("unknown code %#x", c)
}

// float32 and float64 read a float at the cursor whose code was checked: directly when its
// bytes are all present, through the Decoder (which reports the error) otherwise.
func (w *Dec) float32() (float32, error) {
	if p := w.cur.b[w.cur.off:]; len(p) >= 5 {
		w.cur.off += 5
		return math.Float32frombits(binary.BigEndian.Uint32(p[1:])), nil
	}
	return w.d.DecodeFloat32()
}

func (w *Dec) float64() (float64, error) {
	if p := w.cur.b[w.cur.off:]; len(p) >= 9 {
		w.cur.off += 9
		return math.Float64frombits(binary.BigEndian.Uint64(p[1:])), nil
	}
	return w.d.DecodeFloat64()
}

// array decodes a msgpack array (which this package's encoder never writes, but other
// senders of the format may) as an []any of plain Go values.
func (w *Dec) array(depth int) (slog.Value, error) {
	n, err := w.arrayLen()
	if err != nil {
		return slog.Value{}, err
	}
	// The slice header boxed by AnyValue, then the elements, grown as they decode (up to
	// n, a claim checked against the bytes present, never allocated from).
	if err := w.charge(allocCost(24)); err != nil {
		return slog.Value{}, err
	}
	out := []any{}
	for i := 0; i < n; i++ {
		w.reserved--
		v, err := w.value(depth + 1)
		if err != nil {
			return slog.Value{}, err
		}
		if len(out) == cap(out) {
			c := min(max(2*cap(out), 8), n)
			if err := w.charge(allocCost(c * 16)); err != nil {
				return slog.Value{}, err
			}
			out = append(make([]any, 0, c), out...)
		}
		x, err := w.toAny(v)
		if err != nil {
			return slog.Value{}, err
		}
		out = append(out, x)
	}
	return slog.AnyValue(out), nil
}

// toAny turns a decoded value into a plain Go value, groups into maps, within the budget.
func (w *Dec) toAny(v slog.Value) (any, error) {
	if v.Kind() != slog.KindGroup {
		if err := w.charge(boxCost(v)); err != nil {
			return nil, err
		}
		return v.Any(), nil
	}
	g := v.Group()
	if err := w.charge(mapCost(len(g))); err != nil {
		return nil, err
	}
	m := make(map[string]any, len(g))
	for _, a := range g {
		x, err := w.toAny(a.Value)
		if err != nil {
			return nil, err
		}
		m[a.Key] = x
	}
	return m, nil
}

func (w *Dec) ext() (slog.Value, error) {
	id, n, err := w.extHeader()
	if err != nil {
		return slog.Value{}, err
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
			return slog.Value{}, Malformed("duration of %d bytes", n)
		}
		return slog.DurationValue(time.Duration(binary.BigEndian.Uint64(p))), nil
	case wireExtJSON:
		if !json.Valid(p) {
			return slog.Value{}, Malformed("invalid JSON value")
		}
		if err := w.charge(allocCost(n) + allocCost(24)); err != nil {
			return slog.Value{}, err
		}
		return slog.AnyValue(RawJSON(append([]byte(nil), p...))), nil
	}
	return slog.Value{}, Malformed("unknown extension type %d", id)
}

// extHeader reads an extension header: the fixext forms and ext8 (durations, times, short
// JSON values) directly when the header's bytes are present, the others through the Decoder.
func (w *Dec) extHeader() (id int8, n int, err error) {
	p := w.cur.b[w.cur.off:]
	switch {
	case len(p) >= 2 && p[0] >= mpFixExt1 && p[0] <= mpFixExt16:
		w.cur.off += 2
		return int8(p[1]), 1 << (p[0] - mpFixExt1), nil // 1, 2, 4, 8, 16
	case len(p) >= 3 && p[0] == mpExt8:
		w.cur.off += 3
		return int8(p[2]), int(p[1]), nil
	}
	if id, n, err = w.d.DecodeExtHeader(); err != nil {
		return 0, 0, Malformed("extension: %v", err)
	}
	return id, n, nil
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
		return time.Time{}, Malformed("timestamp of %d bytes", len(p))
	}
	if nsec >= 1e9 {
		return time.Time{}, Malformed("timestamp nanoseconds %d", nsec)
	}
	t := time.Unix(sec, int64(nsec))
	if t.IsZero() {
		return t.UTC(), nil
	}
	return t, nil
}
