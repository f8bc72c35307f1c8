package wire

import (
	"encoding/binary"
	"math"
	"time"
)

// The msgpack codes, as constants: msgpcode declares them as variables, so every use of
// those is a load from memory, and a switch over them a chain of compares instead of a
// jump table. TestWireFormsMatchMsgpack checks them against msgpcode.
const (
	mpPosFixedNumHigh byte = 0x7f
	mpNegFixedNumLow  byte = 0xe0

	mpNil   byte = 0xc0
	mpFalse byte = 0xc2
	mpTrue  byte = 0xc3

	mpFloat  byte = 0xca
	mpDouble byte = 0xcb

	mpUint8  byte = 0xcc
	mpUint16 byte = 0xcd
	mpUint32 byte = 0xce
	mpUint64 byte = 0xcf
	mpInt8   byte = 0xd0
	mpInt16  byte = 0xd1
	mpInt32  byte = 0xd2
	mpInt64  byte = 0xd3

	MpFixedStrLow  byte = 0xa0
	mpFixedStrHigh byte = 0xbf
	mpFixedStrMask byte = 0x1f
	MpStr8         byte = 0xd9
	MpStr16        byte = 0xda
	MpStr32        byte = 0xdb

	mpBin8  byte = 0xc4
	mpBin16 byte = 0xc5
	mpBin32 byte = 0xc6

	mpFixedArrayLow  byte = 0x90
	mpFixedArrayHigh byte = 0x9f
	mpArray16        byte = 0xdc
	mpArray32        byte = 0xdd

	mpFixedMapLow  byte = 0x80
	mpFixedMapHigh byte = 0x8f
	mpFixedMapMask byte = 0xf
	mpMap16        byte = 0xde
	mpMap32        byte = 0xdf

	mpFixExt1  byte = 0xd4
	mpFixExt2  byte = 0xd5
	mpFixExt4  byte = 0xd6
	mpFixExt8  byte = 0xd7
	mpFixExt16 byte = 0xd8
	mpExt8     byte = 0xc7
	mpExt16    byte = 0xc8
	mpExt32    byte = 0xc9
)

// The msgpack forms Enc writes besides strings and integers (see str, int), each the
// bytes msgpack.Encoder writes for the same call (TestWireFormsMatchMsgpack holds them to
// it), appended directly.

// uint64 appends n in the 9-byte form whatever its size, as EncodeUint64 does: the code is
// how the decoder tells KindUint64 from KindInt64, and Socket's "seq" is patched in place.
func (w *Enc) uint64(n uint64) {
	w.b = binary.BigEndian.AppendUint64(append(w.b, mpUint64), n)
}

// float64 appends f as a msgpack double (NaN and infinities included).
func (w *Enc) float64(f float64) {
	w.b = binary.BigEndian.AppendUint64(append(w.b, mpDouble), math.Float64bits(f))
}

func (w *Enc) bool(v bool) {
	c := mpFalse
	if v {
		c = mpTrue
	}
	w.b = append(w.b, c)
}

// bytes appends p as msgpack bin, or nil for a nil p, as EncodeBytes does.
func (w *Enc) bytes(p []byte) {
	if p == nil {
		w.b = append(w.b, mpNil)
		return
	}
	w.b = AppendSized(w.b, len(p), mpBin8, mpBin16, mpBin32)
	w.b = append(w.b, p...)
}

// AppendSized appends the header of a string, bin or extension of n bytes whose length
// takes 8, 16 or 32 bits: the code of the shortest form that holds n (c8, c16 or c32) and
// n, big-endian.
func AppendSized(b []byte, n int, c8, c16, c32 byte) []byte {
	switch {
	case n < 1<<8:
		return append(b, c8, byte(n))
	case n < 1<<16:
		return binary.BigEndian.AppendUint16(append(b, c16), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, c32), uint32(n))
}

// mapLen appends the shortest header of a map of n entries.
func (w *Enc) mapLen(n int) {
	switch {
	case n < 16:
		w.b = append(w.b, mpFixedMapLow|byte(n))
	case n < 1<<16:
		w.b = binary.BigEndian.AppendUint16(append(w.b, mpMap16), uint16(n))
	default:
		w.b = binary.BigEndian.AppendUint32(append(w.b, mpMap32), uint32(n))
	}
}

// extHeader appends the header of an extension of type id and n bytes: fixext for the sizes
// that have one, else ext8/16/32.
func (w *Enc) extHeader(id int8, n int) {
	switch n {
	case 1:
		w.b = append(w.b, mpFixExt1, byte(id))
	case 2:
		w.b = append(w.b, mpFixExt2, byte(id))
	case 4:
		w.b = append(w.b, mpFixExt4, byte(id))
	case 8:
		w.b = append(w.b, mpFixExt8, byte(id))
	case 16:
		w.b = append(w.b, mpFixExt16, byte(id))
	default:
		w.b = append(AppendSized(w.b, n, mpExt8, mpExt16, mpExt32), byte(id))
	}
}

// time appends t as msgpack's timestamp extension (-1) in its shortest form: 32 bits of
// seconds, 64 bits (30 of nanoseconds, 34 of seconds), or 96 bits for seconds outside
// [0, 2^34), negative ones included.
func (w *Enc) time(t time.Time) {
	secs := uint64(t.Unix())
	nsec := uint64(t.Nanosecond())
	if secs>>34 != 0 {
		w.extHeader(-1, 12)
		w.b = binary.BigEndian.AppendUint32(w.b, uint32(nsec))
		w.b = binary.BigEndian.AppendUint64(w.b, secs)
		return
	}
	if data := nsec<<34 | secs; data>>32 != 0 {
		w.extHeader(-1, 8)
		w.b = binary.BigEndian.AppendUint64(w.b, data)
	} else {
		w.extHeader(-1, 4)
		w.b = binary.BigEndian.AppendUint32(w.b, uint32(data))
	}
}
