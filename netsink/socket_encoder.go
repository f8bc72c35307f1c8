package netsink

import (
	"encoding/binary"
	"log/slog"

	"github.com/slogx/handlers/netsink/internal/wire"
	"github.com/slogx/handlers/slogx"
)

// socketEncoder makes Socket's frames: the 4-byte length, then the Msgpack record with the
// sender id and a zero sequence number, which the engine stamps once the record is buffered.
type socketEncoder struct {
	me *wire.Encoder
	id []byte
}

var _ slogx.Encoder = (*socketEncoder)(nil)

// Append appends one frame for r.
func (e *socketEncoder) Append(dst []byte, r slog.Record) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst, _ = e.me.AppendRecordAt(dst, &r, e.id, true)
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst
}

// seqOffset returns where in a frame the 8 sequence bytes are. It is the same for every
// record: the fields before "seq" (map header, "v", "id" with a 16-byte id) do not depend
// on the record.
func (e *socketEncoder) seqOffset() int {
	_, off := e.me.AppendRecord([]byte{0, 0, 0, 0}, slog.Record{}, e.id, true)
	return off
}

// WithAttrs implements slogx.Encoder.
func (e *socketEncoder) WithAttrs(as []slog.Attr) slogx.Encoder {
	return &socketEncoder{me: e.me.WithAttrs(as).(*wire.Encoder), id: e.id}
}

// WithGroup implements slogx.Encoder.
func (e *socketEncoder) WithGroup(name string) slogx.Encoder {
	return &socketEncoder{me: e.me.WithGroup(name).(*wire.Encoder), id: e.id}
}

// WithOptions implements slogx.Encoder.
func (e *socketEncoder) WithOptions(o slogx.EncoderOptions) slogx.Encoder {
	return &socketEncoder{me: e.me.WithOptions(o).(*wire.Encoder), id: e.id}
}
