package slogx_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

// forged is a message that, written raw, makes a second record of its own in a log file.
const forged = "login failed for bob\r\n2024-05-06 07:08:09,045 INFO root login ok for admin"

func escapedLine(t *testing.T, format string, o slogx.PatternOptions, r slog.Record, with ...any) string {
	t.Helper()
	enc, err := slogx.PatternWith(format, "", o)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	h := slogx.NewHandler(&buf, &slogx.Options{Encoder: enc})
	if err := slog.New(h).With(with...).Handler().Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestPatternEscapeControls(t *testing.T) {
	esc := slogx.PatternOptions{EscapeControls: true}
	r := slog.NewRecord(fixedTime, slog.LevelWarn, forged, 0)
	r.AddAttrs(slog.String("user", "bob\nINFO forged"))
	for _, tc := range []struct {
		name, format string
		o            slogx.PatternOptions
		with         []any
		want         string
	}{
		{"default is CPython's: raw", "%(levelname)s %(message)s", slogx.PatternOptions{}, nil,
			"WARNING " + forged + "\n"},
		{"message", "%(levelname)s %(message)s", esc, nil,
			`WARNING login failed for bob\r\n2024-05-06 07:08:09,045 INFO root login ok for admin` + "\n"},
		{"padded message", "[%(message)-90s]", esc, nil,
			`[login failed for bob\r\n2024-05-06 07:08:09,045 INFO root login ok for admin                ]` + "\n"}, // the width counts a raw CR as one
		{"logger name", "%(name)s: %(levelname)s", esc, []any{slogx.LoggerKey, "app\nERROR x"},
			`app\nERROR x: WARNING` + "\n"},
		{"logger name before attrs", "[%(levelname)s] <%(name)s> %(attrs)s", esc, []any{slogx.LoggerKey, "app\nERROR x"},
			`[WARNING] <app\nERROR x> logger="app\nERROR x" user="bob\nINFO forged"` + "\n"},
		{"logger name before attrs, raw", "[%(levelname)s] <%(name)s> %(attrs)s", slogx.PatternOptions{}, []any{slogx.LoggerKey, "app"},
			`[WARNING] <app> logger=app user="bob\nINFO forged"` + "\n"},
		{"attrs are Text's, escaped either way", "%(attrs)s", slogx.PatternOptions{}, nil,
			`user="bob\nINFO forged"` + "\n"},
		{"precision cuts the message, not an escape", "%(message).21s", esc, nil, `login failed for bob\r` + "\n"},
		{"literal newlines in the format stay", "%(levelname)s\n  %(message).20s", esc, nil,
			"WARNING\n  login failed for bob\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := escapedLine(t, tc.format, tc.o, r, tc.with...); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestPatternEscapeControlsEveryControl(t *testing.T) {
	var b strings.Builder
	for c := rune(0); c < 0x20; c++ {
		b.WriteRune(c)
	}
	b.WriteString("\x7f é \u0085\u2028\u2029 \xff end\\n")
	r := slog.NewRecord(fixedTime, slog.LevelInfo, b.String(), 0)
	got := escapedLine(t, "%(message)s", slogx.PatternOptions{EscapeControls: true}, r)
	want := `\x00\x01\x02\x03\x04\x05\x06\a\b\t\n\v\f\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f é \u0085\u2028\u2029 ` + "\xff end\\n\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if n := strings.Count(got, "\n"); n != 1 {
		t.Errorf("%d LFs, want the terminator only", n)
	}
}

func TestPatternEscapeZeroAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items at random under -race; make test runs this without -race too")
	}
	enc, err := slogx.PatternWith("%(asctime)s %(levelname)s %(name)s %(message)s %(attrs)s", "", slogx.PatternOptions{EscapeControls: true})
	if err != nil {
		t.Fatal(err)
	}
	h := slogx.NewHandler(discard{}, &slogx.Options{Encoder: enc})
	r := slog.NewRecord(fixedTime, slog.LevelInfo, "two\nlines", 0)
	r.AddAttrs(slog.Int("a", 1), slog.String("b", "x"))
	ctx := context.Background()
	h.Handle(ctx, r)
	if n := testing.AllocsPerRun(100, func() { h.Handle(ctx, r) }); n != 0 {
		t.Errorf("%v allocs/op", n)
	}
}
