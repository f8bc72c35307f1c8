package wire

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

// The attributes decoded straight into a record's inline array make the record
// slog.Record.AddAttrs would have made: same attributes in the same order, the source first,
// empty groups left out, and a record that takes more attributes afterwards.
func TestDecodeRecordInlineAsAddAttrs(t *testing.T) {
	if !recordLayout.ok {
		t.Fatal("slog.Record is not laid out as recordLayout expects: decoding goes through AddAttrs")
	}
	src := []byte{0xa6, 's', 'o', 'u', 'r', 'c', 'e', 0x81, 0xa4, 'l', 'i', 'n', 'e', 0x07}
	attrs := func(n int, emptyAt int) []byte {
		b := []byte{0xa5, 'a', 't', 't', 'r', 's', 0x80 | byte(n)}
		for i := range n {
			b = append(b, 0xa1, 'a'+byte(i))
			if i == emptyAt {
				b = append(b, 0x81, 0xa1, 'e', 0x80) // a group holding only an empty group
			} else {
				b = append(b, byte(i))
			}
		}
		return b
	}
	frame := func(parts ...[]byte) []byte {
		b := []byte{0x80 | byte(len(parts)+1), 0xa1, 'v', 0x01}
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	want := func(n, emptyAt int, withSrc bool) slog.Record {
		r := slog.NewRecord(time.Time{}, 0, "", 0)
		if withSrc {
			r.AddAttrs(slog.Any(slog.SourceKey, &slog.Source{Line: 7}))
		}
		for i := range n {
			if i == emptyAt {
				r.AddAttrs(slog.Group(string(rune('a'+i)), slog.Group("e")))
			} else {
				r.AddAttrs(slog.Int(string(rune('a'+i)), i))
			}
		}
		return r
	}
	for _, c := range []struct {
		name    string
		p       []byte
		n, skip int
		src     bool
	}{
		{"5 attrs", frame(attrs(5, -1)), 5, -1, false},
		{"source, 4 attrs", frame(src, attrs(4, -1)), 4, -1, true},
		{"source, 5 attrs", frame(src, attrs(5, -1)), 5, -1, true},
		{"4 attrs, then source", frame(attrs(4, -1), src), 4, -1, true},
		{"5 attrs, then source", frame(attrs(5, -1), src), 5, -1, true},
		{"an empty group among 5", frame(attrs(5, 2)), 5, 2, false},
		{"6 attrs", frame(attrs(6, -1)), 6, -1, false},
	} {
		got, err := DecodeRecord(c.p)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		w := want(c.n, c.skip, c.src)
		if got.NumAttrs() != w.NumAttrs() || wireJSON(got) != wireJSON(w) {
			t.Errorf("%s: %d attrs %s, want %d %s", c.name, got.NumAttrs(), wireJSON(got), w.NumAttrs(), wireJSON(w))
		}
		got.AddAttrs(slog.String("more", "x"))
		w.AddAttrs(slog.String("more", "x"))
		if wireJSON(got) != wireJSON(w) {
			t.Errorf("%s, one more: %s, want %s", c.name, wireJSON(got), wireJSON(w))
		}
	}
}

func wireJSON(r slog.Record) string {
	var b bytes.Buffer
	_ = slog.NewJSONHandler(&b, nil).Handle(context.Background(), r)
	return b.String()
}

// valueNum reads the number of every numeric kind as its accessor returns it, from the
// value's word and through the accessors alike (when slog.Value is laid out otherwise).
func TestValueNum(t *testing.T) {
	if !valueLayout.ok {
		t.Fatal("slog.Value is not laid out as valueLayout expects: the encoder uses the accessors")
	}
	values := []struct {
		v    slog.Value
		want uint64
	}{
		{slog.Int64Value(-5), uint64(1<<64 - 5)},
		{slog.Uint64Value(1<<63 + 1), 1<<63 + 1},
		{slog.Float64Value(1.5), 0x3ff8000000000000},
		{slog.BoolValue(true), 1},
		{slog.BoolValue(false), 0},
		{slog.DurationValue(-time.Second), uint64(1<<64 - 1e9)},
	}
	for _, layout := range []bool{true, false} {
		valueLayout.ok = layout
		for _, c := range values {
			if got := valueNum(&c.v); got != c.want {
				t.Errorf("layout %v, %v (%v): %#x, want %#x", layout, c.v, c.v.Kind(), got, c.want)
			}
		}
	}
	valueLayout.ok = true
}

// The plain path (no ReplaceAttr, no AddSource) writes the bytes the general one writes,
// with and without Socket's sender id and sequence number, with and without a time.
func TestAppendPlainAsGeneral(t *testing.T) {
	identity := func(_ []string, a slog.Attr) slog.Attr { return a }
	plain := New().WithAttrs([]slog.Attr{slog.String("svc", "api")}).(*Encoder)
	general := plain.WithOptions(slogx.EncoderOptions{ReplaceAttr: identity}).(*Encoder)
	for _, r := range []slog.Record{wireAllKinds(), slog.NewRecord(time.Time{}, slog.LevelWarn, "", 0)} {
		for _, seq := range []bool{false, true} {
			p, pOff := plain.AppendRecordAt(nil, &r, []byte("sender"), seq)
			g, gOff := general.AppendRecordAt(nil, &r, []byte("sender"), seq)
			if !bytes.Equal(p, g) || pOff != gOff {
				t.Errorf("seq %v: plain %x (seq at %d)\ngeneral %x (seq at %d)", seq, p, pOff, g, gOff)
			}
		}
	}
}
