package wire

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"runtime"
	"time"

	"github.com/slogx/handlers/internal/anyfmt"
	"github.com/slogx/handlers/internal/attrwalk"
	"github.com/slogx/handlers/slogx"
)

// Version is the value of the "v" field of every record this package encodes. A decoder
// refuses records of another version rather than guess at their meaning.
const Version = 1

// Extension types of the wire format. Times use msgpack's standard timestamp extension (-1).
const (
	wireExtDuration int8 = 1 // 8 bytes, big-endian int64 nanoseconds
	wireExtJSON     int8 = 2 // the JSON encoding of a value of kind Any
)

// RawJSON is how a decoded record carries an attribute that the sender logged as an arbitrary
// Go value (slog.KindAny): its JSON encoding. It marshals back to the same JSON and prints as
// that JSON text, so a collector writing JSON or text shows the value as the sender's JSON
// handler would have.
type RawJSON []byte

// MarshalJSON returns r itself.
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// MarshalText returns the JSON text.
func (r RawJSON) MarshalText() ([]byte, error) { return r, nil }

// String returns the JSON text.
func (r RawJSON) String() string { return string(r) }

// New returns the wire encoder: one msgpack map per record,
//
//	{"v":1, "time":<unix ns>, "level":<slog level>, "msg":..., "source":{...}, "attrs":{...}}
//
// with groups as nested maps. Every slog.Value kind survives DecodeRecord: strings, int64 and
// uint64 (uint64 always as msgpack uint64, every other integer decodes as int64), float64
// (NaN and infinities included), bool, time.Time (msgpack timestamp extension, nanoseconds
// kept), time.Duration (extension 1), groups, LogValuers (resolved). Values of kind Any:
// []byte as msgpack bin, errors as their Error() string, *slog.Source as a map, everything
// else as its JSON encoding (extension 2, decoded as RawJSON) or, when json.Marshal fails,
// as its fmt "%+v" string. A zero time is left out, as slog's handlers do.
//
// It is a slogx.Encoder (so WithAttrs and WithGroup precompute as for JSON) and it frames
// nothing: Socket and Datagram add the 4-byte length.
func New() *Encoder {
	return &Encoder{frames: []Frame{{}}}
}

// Encoder is the encoder returned by New. It is immutable and safe for concurrent use.
type Encoder struct {
	opts slogx.EncoderOptions
	// frames hold the precomputed attrs of each open group (frames[0] is the root), with
	// ReplaceAttr applied as slog's handlers apply it, at WithAttrs: the hot path then only
	// encodes the record's own attrs.
	frames []Frame
	groups []string // the groups of frames[1:], for ReplaceAttr
	steps  []Step   // WithAttrs and WithGroup calls, for WithOptions to replay
	// fwd selects Forward's record layout and value forms (see forwardEncoder): receivers
	// there know plain msgpack, not this package's extensions.
	fwd bool
}

type Step struct {
	Attrs []slog.Attr
	Group string
}

type Frame struct {
	group string
	pre   []byte // encoded key/value pairs
	n     int    // how many pairs in pre
}

var _ slogx.Encoder = (*Encoder)(nil)

func (e *Encoder) clone() *Encoder {
	e2 := *e
	e2.frames = append([]Frame(nil), e.frames...)
	e2.groups = e.groups[:len(e.groups):len(e.groups)]
	e2.steps = e.steps[:len(e.steps):len(e.steps)]
	return &e2
}

// WithOptions implements slogx.Encoder. The attrs and groups the receiver was derived with
// are kept: they are applied again under the new options.
func (e *Encoder) WithOptions(o slogx.EncoderOptions) slogx.Encoder {
	return ReplaySteps(&Encoder{opts: o, frames: []Frame{{}}, fwd: e.fwd}, e.steps)
}

// ReplaySteps derives enc by the WithAttrs and WithGroup calls an encoder was made with, so
// that WithOptions, which must come first, can be applied to an encoder derived already.
func ReplaySteps(enc slogx.Encoder, steps []Step) slogx.Encoder {
	for _, st := range steps {
		if st.Group != "" {
			enc = enc.WithGroup(st.Group)
		} else {
			enc = enc.WithAttrs(st.Attrs)
		}
	}
	return enc
}

// WithAttrs implements slogx.Encoder.
func (e *Encoder) WithAttrs(as []slog.Attr) slogx.Encoder {
	if len(as) == 0 {
		return e
	}
	e2 := e.clone()
	e2.steps = append(e2.steps, Step{Attrs: as})
	last := &e2.frames[len(e2.frames)-1]
	w := &Enc{b: append([]byte(nil), last.pre...), fwd: e.fwd}
	var wk attrwalk.Walker
	wk.Begin(e.rules(), e.groups, len(e.groups))
	for _, a := range as {
		wk.Add(a)
		last.n += w.pairs(&wk)
	}
	wk.End()
	last.pre = w.b
	return e2
}

// WithGroup implements slogx.Encoder.
func (e *Encoder) WithGroup(name string) slogx.Encoder {
	if name == "" {
		return e
	}
	e2 := e.clone()
	e2.steps = append(e2.steps, Step{Group: name})
	e2.frames = append(e2.frames, Frame{group: name})
	e2.groups = append(e2.groups, name)
	return e2
}

// rules are slog's documented rules: the wire carries a tree, which has no use for a group
// with nothing in it.
func (e *Encoder) rules() attrwalk.Rules {
	return attrwalk.Rules{ReplaceAttr: e.opts.ReplaceAttr}
}

// Append implements slogx.Encoder: it appends the msgpack map of r, without a length prefix.
func (e *Encoder) Append(dst []byte, r slog.Record) []byte {
	b, _ := e.AppendRecordAt(dst, &r, nil, false)
	return b
}

// EncodeRecord appends the wire encoding of r (a msgpack map, no length prefix) to dst, with
// no attributes but r's own. It is New().Append; use an encoder derived with WithAttrs and
// WithGroup to carry a logger's context.
func EncodeRecord(dst []byte, r slog.Record) []byte {
	return wireDefaultEncoder.Append(dst, r)
}

var wireDefaultEncoder = New()

// AppendRecord appends r's map to dst. With withSeq, it also writes the sender id and a
// sequence number of 0 and returns the offset of the 8 sequence bytes, to be patched by the
// caller once the record has its place in the send buffer.
//
// With e.fwd it appends Forward's entry instead, [EventTime, record], the record holding
// "message", "level" (its name), "source" and the attributes at its top level: the same
// built-ins under the same ReplaceAttr rules, laid out for Fluent's receivers.
func (e *Encoder) AppendRecord(dst []byte, r slog.Record, id []byte, withSeq bool) ([]byte, int) {
	return e.AppendRecordAt(dst, &r, id, withSeq)
}

// AppendRecordAt is AppendRecord taking r by pointer: a slog.Record is some 300 bytes,
// copied at every call that takes it by value.
func (e *Encoder) AppendRecordAt(dst []byte, r *slog.Record, id []byte, withSeq bool) ([]byte, int) {
	if !e.fwd && e.opts.ReplaceAttr == nil && !e.opts.AddSource {
		return e.appendPlain(dst, r, id, withSeq)
	}
	w := &Enc{b: dst, fwd: e.fwd}
	timeAt := -1
	if e.fwd {
		// fixarray 2, then EventTime (fixext8, type 0): zero (unknown) unless the record
		// has a time, patched below.
		w.b = append(w.b, 0x92, mpFixExt8, forwardExtEventTime, 0, 0, 0, 0, 0, 0, 0, 0)
		timeAt = len(w.b) - 8
	}
	start := len(w.b)
	// map header, count patched at the end: the number of fields depends on what
	// ReplaceAttr removes and whether any attribute survives elision. Forward's records
	// carry the attributes at the top level, so their count is not bounded by map16.
	fields := 0
	if e.fwd {
		w.openMap()
	} else {
		w.b = append(w.b, mpMap16, 0, 0)
		fields++
		w.str("v")
		w.b = append(w.b, Version)
	}
	seqOff := -1
	if withSeq {
		w.str("id")
		w.bytes(id)
		w.str("seq")
		seqOff = len(w.b) + 1
		w.uint64(0)
		fields += 2
	}
	rules := e.rules()
	rep := rules.ReplaceAttr
	var extra []slog.Attr // built-ins that ReplaceAttr turned into something else
	if t, ok := builtinTime(rules, r.Time, &extra); ok {
		if e.fwd {
			putEventTime(w.b[timeAt:], t)
		} else {
			w.str("time")
			w.int(t.UnixNano())
			fields++
		}
	}
	if l, ok := builtinLevel(rules, r.Level, &extra); ok {
		w.str("level")
		if e.fwd {
			w.str(l.String())
		} else {
			w.int(int64(l))
		}
		fields++
	}
	if msg, ok := builtinMessage(rules, r.Message, &extra); ok {
		if e.fwd {
			w.str("message")
		} else {
			w.str("msg")
		}
		w.str(msg)
		fields++
	}
	if e.opts.AddSource {
		if src := wireSource(r.PC); src != nil {
			a, ok := slog.Any(slog.SourceKey, src), true
			if rep != nil {
				a, ok = rules.Builtin(a)
			}
			if s, isSrc := a.Value.Any().(*slog.Source); ok && isSrc && a.Key == slog.SourceKey {
				if s != nil && *s != (slog.Source{}) {
					w.str("source")
					w.source(s)
					fields++
				}
			} else if ok {
				extra = append(extra, a)
			}
		}
	}
	fields += w.attrs(e, r, extra, e.fwd)
	if e.fwd {
		w.closeMap(start, fields)
	} else {
		binary.BigEndian.PutUint16(w.b[start+1:], uint16(fields))
	}
	return w.b, seqOff
}

// appendPlain is AppendRecordAt for the wire format without ReplaceAttr or AddSource,
// the Socket's usual case: every built-in is in its field, and each field's name and
// header go out in one append.
func (e *Encoder) appendPlain(dst []byte, r *slog.Record, id []byte, withSeq bool) ([]byte, int) {
	w := &Enc{b: dst}
	start := len(w.b)
	w.b = append(w.b, mpMap16, 0, 0, MpFixedStrLow|1, 'v', Version)
	fields := 3 // v, level, msg
	seqOff := -1
	if withSeq {
		w.b = append(w.b, MpFixedStrLow|2, 'i', 'd')
		w.bytes(id)
		w.b = append(w.b, MpFixedStrLow|3, 's', 'e', 'q', mpUint64, 0, 0, 0, 0, 0, 0, 0, 0)
		seqOff = len(w.b) - 8
		fields += 2
	}
	if !r.Time.IsZero() {
		w.b = append(w.b, MpFixedStrLow|4, 't', 'i', 'm', 'e')
		if ns := r.Time.UnixNano(); ns > math.MaxUint32 {
			w.b = binary.BigEndian.AppendUint64(append(w.b, mpInt64), uint64(ns)) // as int writes it
		} else {
			w.int(ns)
		}
		fields++
	}
	w.b = append(w.b, MpFixedStrLow|5, 'l', 'e', 'v', 'e', 'l')
	w.int(int64(r.Level))
	w.b = append(w.b, MpFixedStrLow|3, 'm', 's', 'g')
	w.str(r.Message)
	fields += w.attrs(e, r, nil, false)
	binary.BigEndian.PutUint16(w.b[start+1:], uint16(fields))
	return w.b, seqOff
}

// builtinTime returns the time for the record's own field: t, or what ReplaceAttr made of
// it; ok is false when there is none. A result that is no longer a non-zero time named
// "time" is appended to extra, to go out with the attributes. Without ReplaceAttr, t goes
// out as it is: building the slog.Attr that ReplaceAttr would see costs more than the field.
func builtinTime(rules attrwalk.Rules, t time.Time, extra *[]slog.Attr) (time.Time, bool) {
	if t.IsZero() {
		return t, false
	}
	if rules.ReplaceAttr == nil {
		return t, true
	}
	a, ok := rules.Builtin(slog.Time(slog.TimeKey, t.Round(0)))
	if ok && a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime && !a.Value.Time().IsZero() {
		return a.Value.Time(), true
	}
	if ok {
		*extra = append(*extra, a)
	}
	return time.Time{}, false
}

// builtinLevel is builtinTime for the level: it stays in its field while it is a slog.Level
// named "level".
func builtinLevel(rules attrwalk.Rules, l slog.Level, extra *[]slog.Attr) (slog.Level, bool) {
	if rules.ReplaceAttr == nil {
		return l, true
	}
	a, ok := rules.Builtin(slog.Any(slog.LevelKey, l))
	if l, isLevel := a.Value.Any().(slog.Level); ok && isLevel && a.Key == slog.LevelKey {
		return l, true
	}
	if ok {
		*extra = append(*extra, a)
	}
	return 0, false
}

// builtinMessage is builtinTime for the message: it stays in its field while it is a string
// named "msg".
func builtinMessage(rules attrwalk.Rules, msg string, extra *[]slog.Attr) (string, bool) {
	if rules.ReplaceAttr == nil {
		return msg, true
	}
	a, ok := rules.Builtin(slog.String(slog.MessageKey, msg))
	if ok && a.Key == slog.MessageKey && a.Value.Kind() == slog.KindString {
		return a.Value.String(), true
	}
	if ok {
		*extra = append(*extra, a)
	}
	return "", false
}

// wireSource returns the source position of a record's pc, or nil when it has none.
func wireSource(pc uintptr) *slog.Source {
	if pc == 0 {
		return nil
	}
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	if f.Function == "" && f.File == "" && f.Line == 0 {
		return nil
	}
	return &slog.Source{Function: f.Function, File: f.File, Line: f.Line}
}

// Enc appends msgpack to a byte slice. It writes every form by hand, as the decoder's
// fast paths read them: msgpack.Encoder writes through an io.Writer, one interface call
// (and a copy through its scratch buffer) per header or number, which cost more than the
// bytes themselves on the Socket's hot path. The forms are msgpack.Encoder's, byte for byte.
type Enc struct {
	b   []byte
	fwd bool // Forward's value forms (see value)
}

// str appends s as msgpack.Encoder.EncodeString would, without its io.Writer calls: keys
// and strings are most of a record.
func (w *Enc) str(s string) { w.b = appendMsgpackStr(w.b, s) }

// int writes n compactly, as msgpack.Encoder.EncodeInt does, but never with the uint64 code,
// which marks KindUint64 (above MaxUint32 it takes the 9-byte int64 form). Direct, like str.
func (w *Enc) int(n int64) {
	b := w.b
	switch {
	case n >= 0 && n <= math.MaxInt8, n < 0 && n >= -32:
		b = append(b, byte(n))
	case n >= 0 && n <= math.MaxUint8:
		b = append(b, mpUint8, byte(n))
	case n >= 0 && n <= math.MaxUint16:
		b = binary.BigEndian.AppendUint16(append(b, mpUint16), uint16(n))
	case n >= 0 && n <= math.MaxUint32:
		b = binary.BigEndian.AppendUint32(append(b, mpUint32), uint32(n))
	case n < 0 && n >= math.MinInt8:
		b = append(b, mpInt8, byte(n))
	case n < 0 && n >= math.MinInt16:
		b = binary.BigEndian.AppendUint16(append(b, mpInt16), uint16(n))
	case n < 0 && n >= math.MinInt32:
		b = binary.BigEndian.AppendUint32(append(b, mpInt32), uint32(n))
	default:
		b = binary.BigEndian.AppendUint64(append(b, mpInt64), uint64(n))
	}
	w.b = b
}

// openMap appends a map32 header whose count is patched by closeMap.
func (w *Enc) openMap() int {
	w.b = append(w.b, mpMap32, 0, 0, 0, 0)
	return len(w.b) - 5
}

func (w *Enc) closeMap(at, n int) {
	binary.BigEndian.PutUint32(w.b[at+1:], uint32(n))
}

// attrs appends the record's attributes and returns how many pairs it added to the map
// being written: the wire format's "attrs" field (1, or 0 when it would be empty: then it is
// taken back), or, inline (Forward), the attributes themselves as pairs of that map. extra
// are built-ins that ReplaceAttr made into something else.
func (w *Enc) attrs(e *Encoder, r *slog.Record, extra []slog.Attr, inline bool) int {
	keyAt := len(w.b)
	if len(e.frames) == 1 && !inline && len(extra) == 0 {
		// No group open, nothing from ReplaceAttr: one map, without the stack below.
		w.b = append(w.b, MpFixedStrLow|5, 'a', 't', 't', 'r', 's', mpMap32, 0, 0, 0, 0)
		at := len(w.b) - 5
		w.b = append(w.b, e.frames[0].pre...)
		n := w.recordAttrs(e, r) + e.frames[0].n
		if n == 0 {
			w.b = w.b[:keyAt]
			return 0
		}
		w.closeMap(at, n)
		return 1
	}
	if !inline {
		w.str("attrs")
	}
	// Open one map per group; close them innermost first, dropping the empty ones.
	var stack [8]int
	ats := stack[:0]
	nExtra := 0
	for i, f := range e.frames {
		if i > 0 {
			ats = append(ats, len(w.b)) // key position of this group
			w.str(f.group)
		}
		if i == 0 && inline {
			ats = append(ats, -1) // the caller's map
		} else {
			ats = append(ats, w.openMap())
		}
		if i == 0 && len(extra) > 0 {
			nExtra = w.walkExtra(extra)
		}
		w.b = append(w.b, f.pre...)
	}
	n := w.recordAttrs(e, r)
	for i := len(e.frames) - 1; i >= 0; i-- {
		n += e.frames[i].n
		at := ats[len(ats)-1]
		ats = ats[:len(ats)-1]
		if i == 0 {
			n += nExtra
			if inline {
				return n
			}
			if n == 0 {
				w.b = w.b[:keyAt]
				return 0
			}
			w.closeMap(at, n)
			return 1
		}
		key := ats[len(ats)-1]
		ats = ats[:len(ats)-1]
		if n == 0 {
			w.b = w.b[:key]
		} else {
			w.closeMap(at, n)
			n = 1
		}
	}
	return 0 // not reached: frames[0] is the root
}

// recordAttrs appends r's own attributes inside the innermost group and returns how many
// pairs it appended there. Without ReplaceAttr the walk of a record's attributes is direct
// from the start and stays so (see attrwalk.Walker.Direct: every group of the encoder is
// open), so a plain value, the path almost every attribute takes, is written at once, its
// Kind (a type switch) computed once, and only the others (groups, LogValuers, values of
// kind Any) are walked, each on a Walker of its own: a record of plain values pays for none.
// (r.NumAttrs is not asked first: a method of slog.Record copies the whole record.)
func (w *Enc) recordAttrs(e *Encoder, r *slog.Record) int {
	if e.opts.ReplaceAttr != nil {
		if r.NumAttrs() == 0 {
			return 0
		}
		return w.walkRecord(e, r)
	}
	n := 0
	r.Attrs(func(a slog.Attr) bool {
		if k := a.Value.Kind(); attrwalk.PlainKind(k) {
			w.str(a.Key)
			w.valueOf(k, a.Value)
			n++
		} else {
			n += w.walkAttr(e, a)
		}
		return true
	})
	return n
}

// walkAttr walks a, one of the record's attributes, as recordAttrs does.
func (w *Enc) walkAttr(e *Encoder, a slog.Attr) int {
	var wk attrwalk.Walker
	wk.Begin(e.rules(), e.groups, len(e.groups))
	wk.Add(a)
	n := w.pairs(&wk)
	wk.End()
	return n
}

// walkRecord is recordAttrs under ReplaceAttr: every attribute goes through the walker.
func (w *Enc) walkRecord(e *Encoder, r *slog.Record) int {
	var wk attrwalk.Walker
	defer wk.End()
	wk.Begin(e.rules(), e.groups, len(e.groups))
	n := 0
	r.Attrs(func(a slog.Attr) bool {
		wk.Add(a)
		n += w.pairs(&wk)
		return true
	})
	return n
}

// walkExtra appends the built-ins that ReplaceAttr made into something else, at the top
// level: ReplaceAttr has seen them already, so they are walked without it.
func (w *Enc) walkExtra(extra []slog.Attr) int {
	var wk attrwalk.Walker
	defer wk.End()
	wk.Begin(attrwalk.Rules{}, nil, 0)
	n := 0
	for _, a := range extra {
		wk.Add(a)
		n += w.pairs(&wk)
	}
	return n
}

// pairs appends what wk yields, up to the end of the attribute given to Add or of the
// current group, and returns how many key/value pairs it appended at that level.
func (w *Enc) pairs(wk *attrwalk.Walker) int {
	n := 0
	for {
		switch wk.Next() {
		case attrwalk.Done, attrwalk.Close:
			return n
		case attrwalk.Open:
			w.str(wk.Key())
			at := w.openMap()
			w.closeMap(at, w.pairs(wk))
			n++
		case attrwalk.Leaf:
			w.leaf(wk.Attr())
			n++
		}
	}
}

// leaf appends a non-group attribute the walker yielded.
func (w *Enc) leaf(a slog.Attr) {
	w.str(a.Key)
	if a.Value.Kind() == slog.KindAny { // Any() of other kinds would allocate
		if src, ok := a.Value.Any().(*slog.Source); ok {
			w.source(src) // never empty: the walker drops those
			return
		}
	}
	w.value(a.Value)
}

func (w *Enc) source(s *slog.Source) {
	n := 0
	if s.Function != "" {
		n++
	}
	if s.File != "" {
		n++
	}
	if s.Line != 0 {
		n++
	}
	w.mapLen(n)
	if s.Function != "" {
		w.str("function")
		w.str(s.Function)
	}
	if s.File != "" {
		w.str("file")
		w.str(s.File)
	}
	if s.Line != 0 {
		w.str("line")
		w.int(int64(s.Line))
	}
}

// value appends a resolved, non-group value.
func (w *Enc) value(v slog.Value) { w.valueOf(v.Kind(), v) }

// valueOf appends v, whose kind is k.
func (w *Enc) valueOf(k slog.Kind, v slog.Value) {
	switch k {
	case slog.KindString:
		w.str(v.String())
	case slog.KindInt64:
		w.int(v.Int64())
	case slog.KindUint64:
		// Always the 9-byte form: its code is how the decoder knows the kind was uint64.
		w.uint64(v.Uint64())
	case slog.KindFloat64:
		w.b = binary.BigEndian.AppendUint64(append(w.b, mpDouble), math.Float64bits(v.Float64()))
	case slog.KindBool:
		w.bool(v.Bool())
	case slog.KindDuration:
		if w.fwd {
			w.int(int64(v.Duration())) // nanoseconds, as slog's JSON handler writes them
			return
		}
		w.b = binary.BigEndian.AppendUint64(append(w.b, mpFixExt8, byte(wireExtDuration)), uint64(v.Duration()))
	case slog.KindTime:
		if w.fwd {
			w.rfc3339(v.Time())
			return
		}
		w.time(v.Time())
	default:
		w.anyValue(v.Any())
	}
}

// AnyPanicText is what a value whose Error, String or MarshalJSON panicked is written as,
// as slog writes it: "<nil>" for a nil pointer receiver, else "!PANIC: " and the panic.
func AnyPanicText(a, r any) string {
	if v := reflect.ValueOf(a); v.Kind() == reflect.Pointer && v.IsNil() {
		return "<nil>"
	}
	return fmt.Sprintf("!PANIC: %v", r)
}

// anyValue appends a user value; only these can panic (a nil receiver in Error or
// MarshalJSON), so only they pay for the recover.
func (w *Enc) anyValue(a any) {
	n := len(w.b)
	defer func() {
		if r := recover(); r != nil {
			w.b = w.b[:n]
			w.str(AnyPanicText(a, r))
		}
	}()
	if a == nil {
		w.b = append(w.b, mpNil)
		return
	}
	_, jm := a.(json.Marshaler)
	if err, ok := a.(error); ok && !jm {
		w.str(err.Error())
		return
	}
	if bs, ok := a.([]byte); ok {
		w.bytes(bs)
		return
	}
	if rv := reflect.ValueOf(a); rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 && !jm {
		w.bytes(rv.Bytes())
		return
	}
	if raw, ok := a.(RawJSON); ok {
		// A record relayed by a collector keeps its JSON as it came.
		w.json(raw)
		return
	}
	js, err := json.Marshal(a)
	if err != nil {
		w.str(anyfmt.Sprint(a, true))
		return
	}
	w.json(js)
}

// json appends a value's JSON encoding: extension 2 on the wire format; for Forward, whose
// receivers know no extension but EventTime, the same tree in plain msgpack.
func (w *Enc) json(js []byte) {
	if w.fwd {
		var ok bool
		if w.b, ok = AppendJSONAsMsgpack(w.b, js); !ok {
			w.strBytes(js) // a RawJSON that is not JSON: its text
		}
		return
	}
	w.extHeader(wireExtJSON, len(js))
	w.b = append(w.b, js...)
}
