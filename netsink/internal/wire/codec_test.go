package wire

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"strings"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/slogx"
)

type wireTestPoint struct {
	X, Y int
}

type wireTestValuer struct{ v string }

func (v wireTestValuer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("resolved", v.v))
}

// wireAllKinds is a record with one attribute of every kind, extremes included.
func wireAllKinds() slog.Record {
	t0 := time.Date(2026, 11, 26, 10, 11, 12, 123456789, time.Local)
	r := slog.NewRecord(t0, slog.LevelWarn+1, "all kinds", 0)
	r.AddAttrs(
		slog.String("s", "héllo \"world\"\n"),
		slog.String("empty", ""),
		slog.Int64("imin", math.MinInt64),
		slog.Int64("imax", math.MaxInt64),
		slog.Int64("ismall", -3),
		slog.Uint64("umax", math.MaxUint64),
		slog.Uint64("usmall", 7),
		slog.Float64("f", 1.5),
		slog.Float64("nan", math.NaN()),
		slog.Float64("inf", math.Inf(1)),
		slog.Float64("ninf", math.Inf(-1)),
		slog.Bool("t", true),
		slog.Bool("f2", false),
		slog.Duration("d", 1500*time.Millisecond),
		slog.Duration("dneg", -time.Nanosecond),
		slog.Time("tm", time.Unix(1<<40, 999999999)),
		slog.Time("tneg", time.Unix(-5, 1)),
		slog.Any("bytes", []byte{0, 1, 2, 255}),
		slog.Any("err", errors.New("boom")),
		slog.Any("point", wireTestPoint{1, 2}),
		slog.Any("map", map[string]int{"a": 1}),
		slog.Any("nil", nil),
		slog.Any("valuer", wireTestValuer{"x"}),
		slog.Group("g", slog.Int("a", 1), slog.Group("h", slog.String("b", "c"))),
		slog.Group("emptygroup"),
		slog.Group("", slog.Int("inlined", 1)),
	)
	return r
}

func TestCodecRoundTripKinds(t *testing.T) {
	r := wireAllKinds()
	b := EncodeRecord(nil, r)
	got, err := DecodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Time.Equal(r.Time) || got.Time.UnixNano() != r.Time.UnixNano() {
		t.Errorf("time %v, want %v", got.Time, r.Time)
	}
	if got.Level != r.Level || got.Message != r.Message {
		t.Errorf("level/msg %v %q", got.Level, got.Message)
	}
	m := map[string]slog.Value{}
	var keys []string
	got.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value
		keys = append(keys, a.Key)
		return true
	})
	wantKeys := "s empty imin imax ismall umax usmall f nan inf ninf t f2 d dneg tm tneg bytes err point map nil valuer g inlined"
	if strings.Join(keys, " ") != wantKeys {
		t.Errorf("keys\n got %s\nwant %s", strings.Join(keys, " "), wantKeys)
	}
	check := func(key string, kind slog.Kind, want any) {
		t.Helper()
		v, ok := m[key]
		if !ok {
			t.Errorf("%s missing", key)
			return
		}
		if v.Kind() != kind {
			t.Errorf("%s: kind %v, want %v", key, v.Kind(), kind)
			return
		}
		gotV := v.Any()
		switch w := want.(type) {
		case float64:
			f := gotV.(float64)
			if !(f == w || (math.IsNaN(f) && math.IsNaN(w))) {
				t.Errorf("%s = %v, want %v", key, f, w)
			}
			return
		case time.Time:
			if !gotV.(time.Time).Equal(w) {
				t.Errorf("%s = %v, want %v", key, gotV, w)
			}
			return
		case []byte:
			if !bytes.Equal(gotV.([]byte), w) {
				t.Errorf("%s = %v, want %v", key, gotV, w)
			}
			return
		}
		if fmt.Sprint(gotV) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", key, gotV, want)
		}
	}
	check("s", slog.KindString, "héllo \"world\"\n")
	check("empty", slog.KindString, "")
	check("imin", slog.KindInt64, int64(math.MinInt64))
	check("imax", slog.KindInt64, int64(math.MaxInt64))
	check("ismall", slog.KindInt64, int64(-3))
	check("umax", slog.KindUint64, uint64(math.MaxUint64))
	check("usmall", slog.KindUint64, uint64(7))
	check("f", slog.KindFloat64, 1.5)
	check("nan", slog.KindFloat64, math.NaN())
	check("inf", slog.KindFloat64, math.Inf(1))
	check("ninf", slog.KindFloat64, math.Inf(-1))
	check("t", slog.KindBool, true)
	check("f2", slog.KindBool, false)
	check("d", slog.KindDuration, 1500*time.Millisecond)
	check("dneg", slog.KindDuration, -time.Nanosecond)
	check("tm", slog.KindTime, time.Unix(1<<40, 999999999))
	check("tneg", slog.KindTime, time.Unix(-5, 1))
	check("bytes", slog.KindAny, []byte{0, 1, 2, 255})
	check("err", slog.KindString, "boom")
	check("point", slog.KindAny, `{"X":1,"Y":2}`)
	check("map", slog.KindAny, `{"a":1}`)
	check("nil", slog.KindAny, nil)
	check("valuer", slog.KindGroup, "[resolved=x]")
	check("g", slog.KindGroup, "[a=1 h=[b=c]]")
	check("inlined", slog.KindInt64, int64(1))
}

// TestCodecMatchesJSONHandler compares slog.JSONHandler's output for an original record, with
// WithAttrs and WithGroup, to its output for the decoded record: the wire loses nothing
// JSON shows.
func TestCodecMatchesJSONHandler(t *testing.T) {
	type step struct {
		attrs []slog.Attr
		group string
	}
	cases := []struct {
		name  string
		steps []step
		rec   slog.Record
	}{
		{"plain", nil, wireAllKinds()},
		{"attrs", []step{{attrs: []slog.Attr{slog.Int("a", 1), slog.Group("gg", slog.Bool("x", true))}}}, wireAllKinds()},
		{"group", []step{{group: "G"}}, wireAllKinds()},
		{"nested", []step{{attrs: []slog.Attr{slog.Int("a", 1)}}, {group: "G"}, {attrs: []slog.Attr{slog.Int("b", 2)}}, {group: "H"}}, wireAllKinds()},
		{"group-no-record-attrs", []step{{attrs: []slog.Attr{slog.Int("a", 1)}}, {group: "G"}, {group: "H"}}, slog.NewRecord(time.Unix(1, 2), 0, "m", 0)},
		{"group-attrs-no-record-attrs", []step{{group: "G"}, {attrs: []slog.Attr{slog.Int("b", 2)}}, {group: "H"}}, slog.NewRecord(time.Unix(1, 2), 0, "m", 0)},
		{"zero-time", nil, slog.NewRecord(time.Time{}, slog.LevelDebug, "no time", 0)},
		{"empty-groups-only", []step{{attrs: []slog.Attr{slog.Group("e")}}}, slog.NewRecord(time.Unix(1, 2), 0, "m", 0)},
	}
	for _, c := range cases {
		for _, withRep := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/rep=%v", c.name, withRep), func(t *testing.T) {
				var want bytes.Buffer
				var h slog.Handler = slog.NewJSONHandler(&want, nil)
				var enc slogx.Encoder = New()
				if withRep {
					// An identity ReplaceAttr takes the Scope path; it must encode the same.
					enc = enc.WithOptions(slogx.EncoderOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { return a }})
				}
				for _, s := range c.steps {
					if s.group != "" {
						h = h.WithGroup(s.group)
						enc = enc.WithGroup(s.group)
					} else {
						h = h.WithAttrs(s.attrs)
						enc = enc.WithAttrs(s.attrs)
					}
				}
				if err := h.Handle(context.Background(), c.rec.Clone()); err != nil {
					t.Fatal(err)
				}
				b := enc.Append(nil, c.rec.Clone())
				dec, err := DecodeRecord(b)
				if err != nil {
					t.Fatal(err)
				}
				var got bytes.Buffer
				if err := slog.NewJSONHandler(&got, nil).Handle(context.Background(), dec); err != nil {
					t.Fatal(err)
				}
				if got.String() != want.String() {
					t.Errorf("JSON differs\n got %s\nwant %s", got.String(), want.String())
				}
			})
		}
	}
}

func TestCodecSourceAndReplaceAttr(t *testing.T) {
	var pcs [1]uintptr
	r := slog.NewRecord(time.Unix(100, 5), slog.LevelInfo, "src", 0)
	r.PC = wireCallerPC(&pcs)
	enc := New().WithOptions(slogx.EncoderOptions{AddSource: true})
	dec, err := DecodeRecord(enc.Append(nil, r))
	if err != nil {
		t.Fatal(err)
	}
	var src *slog.Source
	dec.Attrs(func(a slog.Attr) bool {
		if a.Key == slog.SourceKey {
			src, _ = a.Value.Any().(*slog.Source)
		}
		return true
	})
	if src == nil || !strings.HasSuffix(src.File, "codec_test.go") || src.Line == 0 || !strings.Contains(src.Function, "wireCallerPC") {
		t.Fatalf("source = %+v", src)
	}

	// ReplaceAttr: removing time, renaming msg and turning level into a string moves them to
	// attrs, since the fixed fields have fixed types.
	rep := func(gs []string, a slog.Attr) slog.Attr {
		switch {
		case len(gs) == 0 && a.Key == slog.TimeKey:
			return slog.Attr{}
		case len(gs) == 0 && a.Key == slog.MessageKey:
			return slog.String("message", a.Value.String())
		case len(gs) == 0 && a.Key == slog.LevelKey:
			return slog.String("level", "custom")
		case a.Key == "secret":
			return slog.String("secret", "***")
		}
		return a
	}
	enc = New().WithOptions(slogx.EncoderOptions{ReplaceAttr: rep}).WithGroup("g")
	r = slog.NewRecord(time.Unix(100, 5), slog.LevelError, "hello", 0)
	r.AddAttrs(slog.String("secret", "pw"))
	dec, err = DecodeRecord(enc.Append(nil, r))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	dec.Attrs(func(a slog.Attr) bool {
		got = append(got, a.String())
		return true
	})
	if !dec.Time.IsZero() || dec.Message != "" || dec.Level != slog.LevelInfo {
		t.Errorf("builtins: %v %q %v", dec.Time, dec.Message, dec.Level)
	}
	if want := "level=custom message=hello g=[secret=***]"; strings.Join(got, " ") != want {
		t.Errorf("attrs %q, want %q", strings.Join(got, " "), want)
	}
}

func wireCallerPC(pcs *[1]uintptr) uintptr {
	wireRuntimeCallers(pcs)
	return pcs[0]
}

// TestCodecHostile feeds frames whose declared lengths lie: decoding must fail cleanly and
// allocate nothing sized by the lie.
func TestCodecHostile(t *testing.T) {
	valid := EncodeRecord(nil, wireAllKinds())
	cases := map[string][]byte{
		"empty":          {},
		"not a map":      {0x01},
		"map32 huge":     {0xdf, 0xff, 0xff, 0xff, 0xff},
		"str32 huge key": {0x81, 0xdb, 0xff, 0xff, 0xff, 0xff},
		"bin32 huge":     append([]byte{0x82, 0xa1, 'v', 0x01, 0xa5, 'a', 't', 't', 'r', 's', 0x81, 0xa1, 'x'}, 0xc6, 0x7f, 0xff, 0xff, 0xff),
		"array32 huge":   append([]byte{0x82, 0xa1, 'v', 0x01, 0xa5, 'a', 't', 't', 'r', 's', 0x81, 0xa1, 'x'}, 0xdd, 0x7f, 0xff, 0xff, 0xff),
		"ext32 huge":     append([]byte{0x82, 0xa1, 'v', 0x01, 0xa5, 'a', 't', 't', 'r', 's', 0x81, 0xa1, 'x'}, 0xc9, 0x7f, 0xff, 0xff, 0xff, 0x02),
		"no version":     {0x81, 0xa3, 'm', 's', 'g', 0xa0},
		"version 2":      {0x81, 0xa1, 'v', 0x02},
		"bad json ext":   append([]byte{0x82, 0xa1, 'v', 0x01, 0xa5, 'a', 't', 't', 'r', 's', 0x81, 0xa1, 'x'}, 0xd4, 0x02, '{'),
		"bad timestamp":  append([]byte{0x82, 0xa1, 'v', 0x01, 0xa5, 'a', 't', 't', 'r', 's', 0x81, 0xa1, 'x'}, 0xd6, 0xff, 0, 0, 0),
		"trailing":       append(append([]byte(nil), valid...), 0xc0),
		"truncated":      valid[:len(valid)-3],
		"int key":        {0x81, 0x01, 0x01},
		"seq negative":   {0x82, 0xa1, 'v', 0x01, 0xa3, 's', 'e', 'q', 0xff},
	}
	deep := []byte{0x82, 0xa1, 'v', 0x01, 0xa5, 'a', 't', 't', 'r', 's'}
	for i := 0; i < 100; i++ {
		deep = append(deep, 0x81, 0xa1, 'k')
	}
	deep = append(deep, 0xc0)
	cases["deep"] = deep
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeRecord(b)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
			allocs := testing.AllocsPerRun(10, func() { _, _ = DecodeRecord(b) })
			// Allocation follows the bytes present, never the lengths declared.
			if allocs > float64(30+len(b)) { // the race detector adds some
				t.Errorf("%v allocations for a hostile frame", allocs)
			}
		})
	}
}

// TestCodecSlogtest runs slogtest over a handler that encodes every record with New and
// decodes it again: the codec round trip keeps everything slogtest checks.
func TestCodecSlogtest(t *testing.T) {
	var results []map[string]any
	h := &wireCodecHandler{enc: New(), out: &results}
	if err := slogtest.TestHandler(h, func() []map[string]any { return results }); err != nil {
		t.Fatal(err)
	}
}

type wireCodecHandler struct {
	enc slogx.Encoder
	out *[]map[string]any
}

func (h *wireCodecHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *wireCodecHandler) Handle(_ context.Context, r slog.Record) error {
	rec, err := DecodeRecord(h.enc.Append(nil, r))
	if err != nil {
		return err
	}
	*h.out = append(*h.out, nettest.RecordMap(rec))
	return nil
}
func (h *wireCodecHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &wireCodecHandler{enc: h.enc.WithAttrs(as), out: h.out}
}
func (h *wireCodecHandler) WithGroup(name string) slog.Handler {
	return &wireCodecHandler{enc: h.enc.WithGroup(name), out: h.out}
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add(EncodeRecord(nil, wireAllKinds()))
	f.Add(EncodeRecord(nil, slog.NewRecord(time.Time{}, 0, "", 0)))
	enc := New().WithAttrs([]slog.Attr{slog.Int("a", 1)}).WithGroup("g")
	f.Add(enc.Append(nil, wireAllKinds()))
	b, seqOff := New().AppendRecord(nil, wireAllKinds(), []byte("sender"), true)
	binary.BigEndian.PutUint64(b[seqOff:], 42)
	f.Add(b)
	f.Add([]byte{0xdf, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0x81, 0xa1, 'v', 0x01})
	f.Add([]byte{0x82, 0xa1, 'v', 0x01, 0xa5, 'a', 't', 't', 'r', 's', 0x81, 0xa1, 'x', 0x92, 0x01, 0x81, 0xa1, 'y', 0xc0})
	for _, p := range wireHostileFrames(4 << 10) { // lengths that claim more than is sent, dense frames
		f.Add(p)
	}
	for _, p := range wireHostileFrames(300) {
		f.Add(p)
	}
	dec := NewDec()
	f.Fuzz(func(t *testing.T, b []byte) {
		// Whatever the input, decoding allocates within its budget. Measured again when over:
		// what the runtime allocates meanwhile only adds, and not twice.
		derr := error(nil)
		for try := 0; ; try++ {
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			_, _, derr = dec.record(b)
			runtime.ReadMemStats(&m1)
			alloc := m1.TotalAlloc - m0.TotalAlloc
			if alloc <= uint64(Budget(len(b))) || testutil.RaceEnabled {
				break
			}
			if try == 2 {
				t.Fatalf("%d-byte frame: %d bytes allocated, budget %d (%v)", len(b), alloc, Budget(len(b)), derr)
			}
		}
		r, err := DecodeRecord(b)
		if (err == nil) != (derr == nil) {
			t.Fatalf("a connection's decoder and DecodeRecord disagree: %v, %v", derr, err)
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		// Whatever decodes must encode and decode again to the same JSON.
		r2, err := DecodeRecord(EncodeRecord(nil, r))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		var j1, j2 bytes.Buffer
		_ = slog.NewJSONHandler(&j1, nil).Handle(context.Background(), r)
		_ = slog.NewJSONHandler(&j2, nil).Handle(context.Background(), r2)
		if j1.String() != j2.String() {
			t.Fatalf("re-encoding changed the record\n%s\n%s", j1.String(), j2.String())
		}
	})
}

// Options applied after WithAttrs and WithGroup keep them (a user may pass a derived encoder
// in slogx.Options.Encoder; the handler binds the options afterwards).
func TestCodecWithOptionsKeepsContext(t *testing.T) {
	base := New().WithAttrs([]slog.Attr{slog.String("secret", "pw"), slog.Int("a", 1)}).WithGroup("g")
	r := slog.NewRecord(time.Unix(1, 0), 0, "m", 0)
	r.AddAttrs(slog.String("secret", "pw2"))
	mask := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == "secret" {
			a.Value = slog.StringValue("***")
		}
		return a
	}
	for _, c := range []struct {
		enc  slogx.Encoder
		want string
	}{
		{base, "secret=pw a=1 g=[secret=pw2]"},
		{base.WithOptions(slogx.EncoderOptions{ReplaceAttr: mask}), "secret=*** a=1 g=[secret=***]"},
		{base.WithOptions(slogx.EncoderOptions{ReplaceAttr: mask}).WithOptions(slogx.EncoderOptions{}), "secret=pw a=1 g=[secret=pw2]"},
	} {
		dec, err := DecodeRecord(c.enc.Append(nil, r))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		dec.Attrs(func(a slog.Attr) bool {
			got = append(got, a.String())
			return true
		})
		if strings.Join(got, " ") != c.want {
			t.Errorf("got %q, want %q", strings.Join(got, " "), c.want)
		}
	}
}

// TestCodecGenericMsgpack reads a frame with msgpack's generic decoder, as a collector in
// another language would: the fields are plain msgpack with the documented names and types.
func TestCodecGenericMsgpack(t *testing.T) {
	r := slog.NewRecord(time.Unix(1700000000, 5), slog.LevelWarn, "hi", 0)
	r.AddAttrs(slog.Int("n", -2), slog.Group("g", slog.String("s", "x")), slog.Time("at", time.Unix(3, 4)))
	var m map[string]any
	if err := msgpack.Unmarshal(EncodeRecord(nil, r), &m); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(m["v"]) != "1" || fmt.Sprint(m["time"]) != "1700000000000000005" || fmt.Sprint(m["level"]) != "4" || m["msg"] != "hi" {
		t.Errorf("fields %v", m)
	}
	attrs, _ := m["attrs"].(map[string]any)
	if fmt.Sprint(attrs["n"]) != "-2" || fmt.Sprint(attrs["g"]) != "map[s:x]" || !attrs["at"].(time.Time).Equal(time.Unix(3, 4)) {
		t.Errorf("attrs %v", attrs)
	}
}
