package wire

import (
	"bytes"
	"math"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// TestWireFormsMatchMsgpack holds the hand-written forms of Enc to the bytes
// msgpack.Encoder writes for the same values, and the code constants to msgpcode's.
func TestWireFormsMatchMsgpack(t *testing.T) {
	codes := []struct{ ours, theirs byte }{
		{mpPosFixedNumHigh, msgpcode.PosFixedNumHigh}, {mpNegFixedNumLow, msgpcode.NegFixedNumLow},
		{mpNil, msgpcode.Nil}, {mpFalse, msgpcode.False}, {mpTrue, msgpcode.True},
		{mpFloat, msgpcode.Float}, {mpDouble, msgpcode.Double},
		{mpUint8, msgpcode.Uint8}, {mpUint16, msgpcode.Uint16}, {mpUint32, msgpcode.Uint32}, {mpUint64, msgpcode.Uint64},
		{mpInt8, msgpcode.Int8}, {mpInt16, msgpcode.Int16}, {mpInt32, msgpcode.Int32}, {mpInt64, msgpcode.Int64},
		{MpFixedStrLow, msgpcode.FixedStrLow}, {mpFixedStrHigh, msgpcode.FixedStrHigh}, {mpFixedStrMask, msgpcode.FixedStrMask},
		{MpStr8, msgpcode.Str8}, {MpStr16, msgpcode.Str16}, {MpStr32, msgpcode.Str32},
		{mpBin8, msgpcode.Bin8}, {mpBin16, msgpcode.Bin16}, {mpBin32, msgpcode.Bin32},
		{mpFixedArrayLow, msgpcode.FixedArrayLow}, {mpFixedArrayHigh, msgpcode.FixedArrayHigh},
		{mpArray16, msgpcode.Array16}, {mpArray32, msgpcode.Array32},
		{mpFixedMapLow, msgpcode.FixedMapLow}, {mpFixedMapHigh, msgpcode.FixedMapHigh}, {mpFixedMapMask, msgpcode.FixedMapMask},
		{mpMap16, msgpcode.Map16}, {mpMap32, msgpcode.Map32},
		{mpFixExt1, msgpcode.FixExt1}, {mpFixExt2, msgpcode.FixExt2}, {mpFixExt4, msgpcode.FixExt4},
		{mpFixExt8, msgpcode.FixExt8}, {mpFixExt16, msgpcode.FixExt16},
		{mpExt8, msgpcode.Ext8}, {mpExt16, msgpcode.Ext16}, {mpExt32, msgpcode.Ext32},
	}
	for i, c := range codes {
		if c.ours != c.theirs {
			t.Errorf("code %d: %#x, msgpcode has %#x", i, c.ours, c.theirs)
		}
	}

	check := func(what string, ours func(w *Enc), theirs func(e *msgpack.Encoder) error) {
		t.Helper()
		var want bytes.Buffer
		if err := theirs(msgpack.NewEncoder(&want)); err != nil {
			t.Fatal(err)
		}
		w := &Enc{b: []byte{0x55}} // appends, never overwrites
		ours(w)
		if !bytes.Equal(w.b[1:], want.Bytes()) || w.b[0] != 0x55 {
			t.Errorf("%s: % x, msgpack writes % x", what, w.b[1:], want.Bytes())
		}
	}
	for _, n := range []uint64{0, 1, 127, 128, 255, 256, 1<<16 - 1, 1 << 16, 1<<32 - 1, 1 << 32, math.MaxUint64} {
		check("uint64", func(w *Enc) { w.uint64(n) }, func(e *msgpack.Encoder) error { return e.EncodeUint64(n) })
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1.5, -3.25e300, math.NaN(), math.Inf(1), math.Inf(-1), math.SmallestNonzeroFloat64} {
		check("float64", func(w *Enc) { w.float64(f) }, func(e *msgpack.Encoder) error { return e.EncodeFloat64(f) })
	}
	for _, v := range []bool{false, true} {
		check("bool", func(w *Enc) { w.bool(v) }, func(e *msgpack.Encoder) error { return e.EncodeBool(v) })
	}
	for _, n := range []int{-1, 0, 1, 255, 256, 1<<16 - 1, 1 << 16, 70000} {
		p := make([]byte, max(n, 0))
		if n < 0 {
			p = nil
		}
		check("bytes", func(w *Enc) { w.bytes(p) }, func(e *msgpack.Encoder) error { return e.EncodeBytes(p) })
	}
	for _, n := range []int{0, 1, 15, 16, 1<<16 - 1, 1 << 16, 1 << 20} {
		check("mapLen", func(w *Enc) { w.mapLen(n) }, func(e *msgpack.Encoder) error { return e.EncodeMapLen(n) })
		check("extHeader", func(w *Enc) { w.extHeader(2, n) }, func(e *msgpack.Encoder) error { return e.EncodeExtHeader(2, n) })
	}
	for _, n := range []int{2, 4, 8, 16, 255, 256} {
		check("extHeader", func(w *Enc) { w.extHeader(-1, n) }, func(e *msgpack.Encoder) error { return e.EncodeExtHeader(-1, n) })
	}
	for _, tm := range []time.Time{time.Unix(0, 0), time.Unix(5, 0), time.Unix(1<<32-1, 0), time.Unix(1<<32, 0), time.Unix(1700000000, 1),
		time.Unix(1<<34-1, 999999999), time.Unix(1<<34, 0), time.Unix(-1, 0), time.Unix(-1<<40, 5), {}} {
		check("time", func(w *Enc) { w.time(tm) }, func(e *msgpack.Encoder) error { return e.EncodeTime(tm) })
	}
	for _, n := range []int64{0, 1, -1, -32, -33, 127, 128, -128, -129, 255, 256, 1<<16 - 1, 1 << 16, -1 << 15, -1<<15 - 1,
		1<<32 - 1, -1 << 31, -1<<31 - 1, math.MinInt64} {
		// int differs from EncodeInt only above MaxUint32, where it keeps the int64 code.
		check("int", func(w *Enc) { w.int(n) }, func(e *msgpack.Encoder) error { return e.EncodeInt(n) })
	}
	check("int", func(w *Enc) { w.int(1 << 32) }, func(e *msgpack.Encoder) error { return e.EncodeInt64(1 << 32) })
	for _, n := range []int{0, 1, 31, 32, 255, 256, 1<<16 - 1, 1 << 16} {
		s := string(make([]byte, n))
		check("str", func(w *Enc) { w.str(s) }, func(e *msgpack.Encoder) error { return e.EncodeString(s) })
	}
}
