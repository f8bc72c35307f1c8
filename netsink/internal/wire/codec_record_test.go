package wire

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

// A decoded record holds the attributes a sender's slog.Record.AddAttrs would have given it:
// the same in the same order, the source first wherever it came in the frame, empty groups
// left out, and it takes more attributes afterwards.
func TestDecodeRecordAttrsAsAddAttrs(t *testing.T) {
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

// Frames whose fields come in another order, or in other forms than the encoder's usual
// ones (a negative or wide level, a long message, an int32 time), decode as the encoder's
// own: the fields read in order in place (plainPrefix) hand the rest to the general loop.
func TestDecodeFieldOrdersAndForms(t *testing.T) {
	long := strings.Repeat("m", 40)
	type field struct {
		key string
		put func(w *Enc)
	}
	v := field{"v", func(w *Enc) { w.int(Version) }}
	id := field{"id", func(w *Enc) { w.bytes([]byte("snd")) }}
	seq := field{"seq", func(w *Enc) { w.uint64(9) }}
	tm := func(ns int64) field { return field{"time", func(w *Enc) { w.int(ns) }} }
	lvl := func(l int64) field { return field{"level", func(w *Enc) { w.int(l) }} }
	msg := func(m string) field { return field{"msg", func(w *Enc) { w.str(m) }} }
	frame := func(fs ...field) []byte {
		w := &Enc{}
		w.mapLen(len(fs))
		for _, f := range fs {
			w.str(f.key)
			f.put(w)
		}
		return w.b
	}
	for name, c := range map[string]struct {
		p     []byte
		level slog.Level
		msg   string
		ns    int64
		seq   bool
	}{
		"the encoder's order":  {frame(v, id, seq, tm(5e18), lvl(4), msg("hi")), 4, "hi", 5e18, true},
		"reversed":             {frame(msg("hi"), lvl(4), tm(5e18), seq, id, v), 4, "hi", 5e18, true},
		"negative level":       {frame(v, tm(5e18), lvl(-4), msg("hi")), -4, "hi", 5e18, false},
		"int16 level":          {frame(v, tm(5e18), lvl(-1000), msg(long)), -1000, long, 5e18, false},
		"int32 time":           {frame(v, tm(1e9), lvl(0), msg("")), 0, "", 1e9, false},
		"id without seq":       {frame(v, id, tm(5e18), lvl(8), msg("x")), 8, "x", 5e18, false},
		"version last":         {frame(tm(5e18), lvl(8), msg("x"), v), 8, "x", 5e18, false},
		"msg before the level": {frame(v, tm(5e18), msg("x"), lvl(8)), 8, "x", 5e18, false},
	} {
		r, h, err := NewDec().record(c.p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if r.Level != c.level || r.Message != c.msg || r.Time.UnixNano() != c.ns || h.HasSeq != c.seq {
			t.Errorf("%s: level %v msg %q time %d seq %v", name, r.Level, r.Message, r.Time.UnixNano(), h.HasSeq)
		}
		if c.seq && (string(h.ID) != "snd" || h.Seq != 9) {
			t.Errorf("%s: id %q seq %d", name, h.ID, h.Seq)
		}
	}
	if _, _, err := NewDec().record(frame(tm(5e18), lvl(1<<40), msg("x"), v)); err == nil {
		t.Error("a level beyond int32 decoded")
	}
}
