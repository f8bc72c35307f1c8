package wire

import (
	"encoding/binary"
	"log/slog"
	"time"

	"github.com/slogx/handlers/slogx"
)

// forwardExtEventTime is the msgpack extension type of Forward's EventTime: 4 bytes of
// seconds and 4 of nanoseconds, both big-endian.
const forwardExtEventTime = 0

// forwardEncoder appends one Forward entry per record, [EventTime, record], ready to be
// concatenated into a PackedForward batch by the transport. The record is a map with
// "message", "level" (slog's level name: "INFO", "WARN+2"), "source" when AddSource, and
// the attributes, groups as nested maps; the walk over them is the wire encoder's (one set
// of slog's rules), only the layout and the value forms differ:
//
//   - time.Time attributes as RFC 3339 strings with nanoseconds, durations as integer
//     nanoseconds, values of kind Any as the tree of their JSON encoding in plain msgpack
//     (a struct as a map, a slice as an array), errors as Error(), []byte as bin: Fluent's
//     receivers know no msgpack extension but EventTime;
//   - a record with no time (or whose time ReplaceAttr removed) gets EventTime 0, which
//     OTLP calls "unknown".
//
// It is immutable and safe for concurrent use.
type forwardEncoder struct {
	me *Encoder
}

var _ slogx.Encoder = (*forwardEncoder)(nil)

func NewForwardEncoder() *forwardEncoder {
	return &forwardEncoder{me: &Encoder{frames: []Frame{{}}, fwd: true}}
}

// Append implements slogx.Encoder.
func (e *forwardEncoder) Append(dst []byte, r slog.Record) []byte {
	b, _ := e.me.AppendRecordAt(dst, &r, nil, false)
	return b
}

// WithAttrs implements slogx.Encoder.
func (e *forwardEncoder) WithAttrs(as []slog.Attr) slogx.Encoder {
	return &forwardEncoder{me: e.me.WithAttrs(as).(*Encoder)}
}

// WithGroup implements slogx.Encoder.
func (e *forwardEncoder) WithGroup(name string) slogx.Encoder {
	return &forwardEncoder{me: e.me.WithGroup(name).(*Encoder)}
}

// WithOptions implements slogx.Encoder.
func (e *forwardEncoder) WithOptions(o slogx.EncoderOptions) slogx.Encoder {
	return &forwardEncoder{me: e.me.WithOptions(o).(*Encoder)}
}

// putEventTime writes t's seconds and nanoseconds into the 8 bytes of an EventTime.
// Seconds are unsigned 32-bit on the wire: the protocol ends in 2106.
func putEventTime(b []byte, t time.Time) {
	binary.BigEndian.PutUint32(b, uint32(t.Unix()))
	binary.BigEndian.PutUint32(b[4:], uint32(t.Nanosecond()))
}

// rfc3339 appends t as a msgpack string in RFC 3339 with nanoseconds, without allocating.
func (w *Enc) rfc3339(t time.Time) {
	at := len(w.b)
	w.b = append(w.b, MpStr8, 0)
	w.b = t.AppendFormat(w.b, time.RFC3339Nano)
	w.b[at+1] = byte(len(w.b) - at - 2) // at most 35 bytes
}

// strBytes appends b as a msgpack string.
func (w *Enc) strBytes(b []byte) { w.b = appendMsgpackStr(w.b, b) }

// appendMsgpackStr appends s in the shortest msgpack string form, as msgpack.Encoder does.
func appendMsgpackStr[S string | []byte](b []byte, s S) []byte {
	if n := len(s); n < 32 {
		b = append(b, MpFixedStrLow|byte(n))
	} else {
		b = AppendSized(b, n, MpStr8, MpStr16, MpStr32)
	}
	return append(b, s...)
}
