package slogx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

type logValuer struct{ v string }

func (l logValuer) LogValue() slog.Value { return slog.GroupValue(slog.String("inner", l.v)) }

type point struct {
	X, Y int
	Tag  string `json:"tag"`
}

type nilErr struct{}

func (*nilErr) Error() string { panic("nil receiver") }

type textPanic struct{}

func (textPanic) MarshalText() ([]byte, error) { return nil, errors.New("no text") }

// attrCases are the attribute kinds every structured encoder must render exactly like slog.
var attrCases = map[string][]slog.Attr{
	"none":          nil,
	"escapes":       {slog.String("s", "a \"quoted\"\n\ttab\\ \x01 \u2028 <html>&"), slog.String("k e=y", "v")},
	"invalid-utf8":  {slog.String("bad", "ok\xff\xfe"), slog.String("\xffkey", "x")},
	"unicode":       {slog.String("u", "héllo 世界 \u00a0nbsp"), slog.String("empty", "")},
	"numbers":       {slog.Int("i", -42), slog.Int64("min", math.MinInt64), slog.Uint64("max", math.MaxUint64), slog.Float64("f", 3.25), slog.Float64("tiny", 1e-9), slog.Float64("huge", 1e22), slog.Float64("negzero", math.Copysign(0, -1)), slog.Float64("int", 100)},
	"nan-inf":       {slog.Float64("nan", math.NaN()), slog.Float64("inf", math.Inf(1)), slog.Float64("ninf", math.Inf(-1))},
	"bool":          {slog.Bool("t", true), slog.Bool("f", false)},
	"time":          {slog.Time("t", time.Date(2024, 3, 10, 1, 2, 3, 4005006, time.UTC)), slog.Time("tz", time.Date(2024, 3, 10, 1, 2, 3, 0, time.FixedZone("X", -5*3600)))},
	"duration":      {slog.Duration("d", 1500*time.Millisecond), slog.Duration("z", 0), slog.Duration("n", -3*time.Microsecond)},
	"error":         {slog.Any("err", errors.New("boom \"x\"")), slog.Any("wrapped", fmt.Errorf("ctx: %w", errors.New("inner")))},
	"nil-error":     {slog.Any("err", (*nilErr)(nil))},
	"text-err":      {slog.Any("tp", textPanic{})},
	"logvaluer":     {slog.Any("lv", logValuer{"v1"})},
	"groups":        {slog.Group("g", slog.Int("a", 1), slog.Group("h", slog.String("b", "2"))), slog.Int("after", 3)},
	"empty-groups":  {slog.Group("e"), slog.Group("g", slog.Group("e2")), slog.Int("x", 1)},
	"inline-group":  {slog.Group("", slog.Int("a", 1), slog.Int("b", 2))},
	"any-map":       {slog.Any("m", map[string]int{"b": 2, "a": 1})},
	"any-struct":    {slog.Any("p", point{1, 2, "t"}), slog.Any("pp", &point{3, 4, "u"})},
	"any-slice":     {slog.Any("sl", []string{"a", "b"}), slog.Any("bytes", []byte("hi\x00")), slog.Any("nil", nil)},
	"textmarshaler": {slog.Any("ip", netip.MustParseAddr("::1"))},
	"empty-attr":    {{}, slog.Int("x", 1)},
	"level-any":     {slog.Any("lvl", slog.LevelWarn)},
}

var fixedTime = time.Date(2025, 1, 2, 3, 4, 5, 123456789, time.UTC)

type builder func(l *slog.Logger) *slog.Logger

var builders = map[string]builder{
	"plain":      func(l *slog.Logger) *slog.Logger { return l },
	"with":       func(l *slog.Logger) *slog.Logger { return l.With("w", 1, "ws", "two words") },
	"group":      func(l *slog.Logger) *slog.Logger { return l.WithGroup("G") },
	"group-with": func(l *slog.Logger) *slog.Logger { return l.WithGroup("G").With("a", 1).WithGroup("H") },
	"with-group-with": func(l *slog.Logger) *slog.Logger {
		return l.With("top", true).WithGroup("G").With("in", "g").WithGroup("H").With(slog.Group("sub", "k", "v"))
	},
	"empty-with": func(l *slog.Logger) *slog.Logger {
		return l.With(slog.Group("e")).WithGroup("G").With(slog.Group("e2"))
	},
}

func compareStdlib(t *testing.T, json bool, ho *slog.HandlerOptions) {
	t.Helper()
	for bname, b := range builders {
		for cname, attrs := range attrCases {
			var want, got bytes.Buffer
			var std slog.Handler
			opts := &slogx.Options{}
			if ho != nil {
				opts.AddSource = ho.AddSource
				opts.ReplaceAttr = ho.ReplaceAttr
				opts.Level = ho.Level
			}
			if json {
				std = slog.NewJSONHandler(&want, ho)
				opts.Encoder = slogx.JSON()
			} else {
				std = slog.NewTextHandler(&want, ho)
				opts.Encoder = slogx.Text()
			}
			ours := slogx.NewHandler(&got, opts)
			for _, h := range []slog.Handler{std, ours} {
				l := b(slog.New(h))
				r := slog.NewRecord(fixedTime, slog.LevelWarn, "msg \"with\" = spaces\n", 0)
				r.AddAttrs(attrs...)
				if err := l.Handler().Handle(context.Background(), r); err != nil {
					t.Fatal(err)
				}
				// A record through the Logger too (with PC, so AddSource has something).
				l.LogAttrs(context.Background(), slog.LevelInfo, "second", attrs...)
			}
			w, g := want.String(), got.String()
			if ho == nil || ho.ReplaceAttr == nil {
				// The second record carries time.Now: blank it on both sides.
				w, g = blankSecondTime(w, json), blankSecondTime(g, json)
			}
			if w != g {
				t.Errorf("%s/%s json=%v:\nslog: %s\nours: %s", bname, cname, json, w, g)
			}
		}
	}
}

func blankSecondTime(s string, json bool) string {
	lines := strings.SplitN(s, "\n", 2)
	if len(lines) < 2 {
		return s
	}
	second := lines[1]
	key := "time="
	if json {
		key = `"time":"`
	}
	if i := strings.Index(second, key); i >= 0 {
		j := strings.IndexAny(second[i+len(key):], "\" ")
		second = second[:i+len(key)] + "T" + second[i+len(key)+j:]
	}
	return lines[0] + "\n" + second
}

func TestJSONMatchesStdlib(t *testing.T) { compareStdlib(t, true, nil) }
func TestTextMatchesStdlib(t *testing.T) { compareStdlib(t, false, nil) }

func TestMatchesStdlibWithOptions(t *testing.T) {
	rep := func(groups []string, a slog.Attr) slog.Attr {
		switch {
		case a.Key == slog.TimeKey && len(groups) == 0:
			return slog.Attr{}
		case a.Key == "i":
			return slog.Attr{}
		case a.Key == "s":
			return slog.String("s", strings.Join(groups, "/")+":"+a.Value.String())
		case a.Key == slog.SourceKey:
			src := a.Value.Any().(*slog.Source)
			src.File = "file.go" // stable across machines
			return a
		}
		return a
	}
	for _, json := range []bool{true, false} {
		compareStdlib(t, json, &slog.HandlerOptions{AddSource: true, ReplaceAttr: rep, Level: slog.LevelDebug})
	}
}

// slog leaves a group open when ReplaceAttr empties it, so later keys land in the wrong group
// (text: "g.after=3"; JSON: a missing comma in some positions). We close it; this pins our output.
func TestReplaceAttrEmptiesNestedGroup(t *testing.T) {
	rep := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == "b" || a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	attrs := []slog.Attr{slog.Group("g", slog.Int("a", 1), slog.Group("h", slog.String("b", "2"))), slog.Int("after", 3)}
	for _, tc := range []struct {
		enc  slogx.Encoder
		want string
	}{
		{slogx.Text(), "level=INFO msg=m g.a=1 after=3\n"},
		{slogx.JSON(), `{"level":"INFO","msg":"m","g":{"a":1},"after":3}` + "\n"},
	} {
		var buf bytes.Buffer
		l := slog.New(slogx.NewHandler(&buf, &slogx.Options{Encoder: tc.enc, ReplaceAttr: rep}))
		l.LogAttrs(context.Background(), slog.LevelInfo, "m", attrs...)
		if buf.String() != tc.want {
			t.Errorf("got %q, want %q", buf.String(), tc.want)
		}
	}
	// A group emptied first must not swallow the separator of the next attr (JSON).
	var buf bytes.Buffer
	l := slog.New(slogx.NewHandler(&buf, &slogx.Options{ReplaceAttr: rep}))
	l.LogAttrs(context.Background(), slog.LevelInfo, "m", slog.Int("x", 0), slog.Group("h", slog.String("b", "2")), slog.Int("after", 3))
	if want := `{"level":"INFO","msg":"m","x":0,"after":3}` + "\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

func TestJSONEscapingEveryByte(t *testing.T) {
	// Every byte value at every position of a 16-byte window, checked against slog, so the
	// word-at-a-time fast path cannot skip a byte that needs escaping.
	for b := 0; b < 256; b++ {
		for pos := 0; pos < 16; pos++ {
			s := []byte("abcdefghijklmnop")
			s[pos] = byte(b)
			var want, got bytes.Buffer
			r := slog.NewRecord(time.Time{}, slog.LevelInfo, string(s), 0)
			slog.NewJSONHandler(&want, nil).Handle(context.Background(), r)
			slogx.NewHandler(&got, nil).Handle(context.Background(), r)
			if want.String() != got.String() {
				t.Fatalf("byte %#x at %d: slog %q ours %q", b, pos, want.String(), got.String())
			}
		}
	}
}

func TestTextQuotingEveryByte(t *testing.T) {
	for b := 0; b < 256; b++ {
		for _, tmpl := range []string{"abcd", "a b", "a\\b"} {
			s := tmpl + string([]byte{byte(b)}) + "z"
			var want, got bytes.Buffer
			r := slog.NewRecord(time.Time{}, slog.LevelInfo, s, 0)
			r.AddAttrs(slog.String(s, s))
			slog.NewTextHandler(&want, nil).Handle(context.Background(), r)
			slogx.NewHandler(&got, &slogx.Options{Encoder: slogx.Text()}).Handle(context.Background(), r)
			if want.String() != got.String() {
				t.Fatalf("byte %#x in %q: slog %q ours %q", b, tmpl, want.String(), got.String())
			}
		}
	}
}

func TestRecordTimeFractions(t *testing.T) {
	// Every count of trailing zeros in the fraction, and times in other zones, against slog.
	for _, ns := range []int{0, 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 123456789, 999999999, 500000000, 120000000} {
		for _, loc := range []*time.Location{time.UTC, time.FixedZone("E", 5*3600+1800), time.FixedZone("W", -8*3600)} {
			tm := time.Date(2024, 2, 29, 23, 59, 59, ns, loc)
			for _, json := range []bool{true, false} {
				var want, got bytes.Buffer
				r := slog.NewRecord(tm, slog.LevelInfo, "m", 0)
				if json {
					slog.NewJSONHandler(&want, nil).Handle(context.Background(), r)
					slogx.NewHandler(&got, nil).Handle(context.Background(), r)
				} else {
					slog.NewTextHandler(&want, nil).Handle(context.Background(), r)
					slogx.NewHandler(&got, &slogx.Options{Encoder: slogx.Text()}).Handle(context.Background(), r)
				}
				if want.String() != got.String() {
					t.Errorf("%v: slog %q ours %q", tm, want.String(), got.String())
				}
			}
		}
	}
}

func TestJSONEscapingShortStrings(t *testing.T) {
	// Every byte at every position of strings of length 1..12, so the 4- and 8-byte windows
	// and their overlapping tails are all covered.
	for n := 1; n <= 12; n++ {
		for b := 0; b < 256; b++ {
			for pos := 0; pos < n; pos++ {
				s := []byte(strings.Repeat("k", n))
				s[pos] = byte(b)
				var want, got bytes.Buffer
				r := slog.NewRecord(time.Time{}, slog.LevelInfo, "", 0)
				r.AddAttrs(slog.String(string(s), string(s)))
				slog.NewJSONHandler(&want, nil).Handle(context.Background(), r)
				slogx.NewHandler(&got, nil).Handle(context.Background(), r)
				if want.String() != got.String() {
					t.Fatalf("len %d byte %#x at %d: slog %q ours %q", n, b, pos, want.String(), got.String())
				}
			}
		}
	}
}

// TestFirstSeparator: the direct path writes every attribute after a separator and takes
// out the first when none is wanted (a JSON group opened last in the precomputed attributes,
// TextAttrs without precomputed attributes); the first attribute may then be empty, a group,
// a LogValuer or an empty group, each written (or not) as slog does.
func TestFirstSeparator(t *testing.T) {
	firsts := map[string][]slog.Attr{
		"plain":        {slog.Int("x", 1), slog.String("y", "z")},
		"empty":        {{}, slog.Int("x", 1)},
		"group":        {slog.Group("g", slog.Int("a", 1)), slog.Int("x", 1)},
		"empty-group":  {slog.Group("e"), slog.Int("x", 1)},
		"valuer":       {slog.Any("lv", logValuer{"v"}), slog.Int("x", 1)},
		"only-dropped": {{}},
	}
	derive := map[string]func(slog.Handler) slog.Handler{
		"none":  func(h slog.Handler) slog.Handler { return h },
		"group": func(h slog.Handler) slog.Handler { return h.WithGroup("G") },
		"group-with-hollow": func(h slog.Handler) slog.Handler {
			return h.WithGroup("G").WithAttrs([]slog.Attr{slog.Any("h", emptyGroupValuer{})})
		},
		"with-group-with": func(h slog.Handler) slog.Handler {
			return h.WithAttrs([]slog.Attr{slog.Int("w", 0)}).WithGroup("G").WithAttrs([]slog.Attr{slog.Group("e2")})
		},
	}
	for fname, attrs := range firsts {
		for dname, d := range derive {
			for _, json := range []bool{true, false} {
				var want, got bytes.Buffer
				std, enc := slog.Handler(slog.NewTextHandler(&want, nil)), slogx.Text()
				if json {
					std, enc = slog.NewJSONHandler(&want, nil), slogx.JSON()
				}
				r := slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0)
				r.AddAttrs(attrs...)
				d(std).Handle(context.Background(), r)
				d(slogx.NewHandler(&got, &slogx.Options{Encoder: enc})).Handle(context.Background(), r)
				if got.String() != want.String() {
					t.Errorf("%s/%s json=%v:\nslog: %s\nours: %s", fname, dname, json, want.String(), got.String())
				}
			}
			// TextAttrs: Text's line after "msg=m", without its leading space.
			var want bytes.Buffer
			r := slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0)
			r.AddAttrs(attrs...)
			d(slog.NewTextHandler(&want, nil)).Handle(context.Background(), r)
			line := strings.TrimSuffix(strings.TrimPrefix(want.String(), "level=INFO msg=m"), "\n")
			line = strings.TrimPrefix(line, " ")
			var got bytes.Buffer
			d(slogx.NewHandler(&got, &slogx.Options{Encoder: slogx.TextAttrs(), Terminator: "|"})).Handle(context.Background(), r)
			if got := strings.TrimSuffix(got.String(), "|"); got != line {
				t.Errorf("TextAttrs %s/%s: got %q, want %q", fname, dname, got, line)
			}
		}
	}
}

// emptyGroupValuer resolves to an empty group, which slog prints as {} inside a group.
type emptyGroupValuer struct{}

func (emptyGroupValuer) LogValue() slog.Value { return slog.GroupValue() }
