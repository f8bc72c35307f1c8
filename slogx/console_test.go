package slogx_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// consoleOut handles each record with a Console handler built from o and opts and
// returns the output.
func consoleOut(t *testing.T, o slogx.ConsoleOptions, opts *slogx.Options, derive func(*slog.Logger) *slog.Logger, rs ...slog.Record) string {
	t.Helper()
	var buf bytes.Buffer
	if opts == nil {
		opts = &slogx.Options{}
	}
	opts.Encoder = slogx.Console(o)
	opts.Level = slog.LevelDebug - 8
	l := slog.New(slogx.NewHandler(&buf, opts))
	if derive != nil {
		l = derive(l)
	}
	for _, r := range rs {
		if err := l.Handler().Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String()
}

func rec(level slog.Level, msg string, as ...slog.Attr) slog.Record {
	r := slog.NewRecord(fixedTime, level, msg, 0)
	r.AddAttrs(as...)
	return r
}

type multiErr struct{}

func (multiErr) Error() string { return "first\nsecond" }

// showcase is every feature of Console in a few records; its output is the golden file.
func showcase(t *testing.T, color slogx.ColorMode) string {
	derive := func(l *slog.Logger) *slog.Logger {
		return l.With("svc", "api", "config", "a: 1\nb: 2\n").WithGroup("req")
	}
	return consoleOut(t, slogx.ConsoleOptions{Color: color}, nil, nil,
		rec(slog.LevelInfo, "listening", slog.Int("port", 8080), slog.Group("tls", slog.Bool("on", true))),
		rec(slog.LevelDebug, "cache miss", slog.String("key", "user 42"), slog.Duration("took", 1500*time.Microsecond)),
		rec(slog.LevelDebug-4, "trace"),
		rec(slog.LevelInfo+2, "notice", slog.Float64("ratio", 0.25)),
		rec(slog.LevelWarn, "slow query", slog.String("q", `select "x"`), slog.Any("ip", []byte("::1"))),
		rec(slog.LevelError, "failed", slog.Any("err", errors.New("timeout\r\nwhile reading row 3")), slog.Int("attempt", 2)),
		rec(slog.LevelError+4, "giving up"),
		rec(slog.LevelInfo, "tab\tand \"quotes\" kept; héllo"),
		rec(slog.LevelInfo, "line one\nline two \x1b[31m", slog.String("ctl", "a\x1b[2Jb\nc\x00\u0085d\xff")),
		rec(slog.LevelInfo, ""),
		rec(slog.LevelInfo, "", slog.String("only", "attrs")),
	) + consoleOut(t, slogx.ConsoleOptions{Color: color}, nil, derive,
		rec(slog.LevelWarn, "derived", slog.String("method", "GET"), slog.Any("err", multiErr{}), slog.String("path", "/a b")),
		rec(slog.LevelInfo, "derived, no attrs"),
	) + consoleOut(t, slogx.ConsoleOptions{Color: color, TimeFormat: time.RFC3339Nano}, nil, nil,
		rec(slog.LevelInfo, "custom time format"),
		slog.NewRecord(time.Time{}, slog.LevelInfo, "zero time", 0),
	)
}

func TestConsoleGolden(t *testing.T) {
	for _, c := range []struct {
		file  string
		color slogx.ColorMode
	}{{"console.golden", slogx.ColorNever}, {"console-color.golden", slogx.ColorAlways}} {
		got := showcase(t, c.color)
		path := filepath.Join("testdata", c.file)
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestConsoleGolden -update)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs:\ngot:\n%s\nwant:\n%s", c.file, got, want)
		}
	}
	// ColorAuto with a writer that is not a terminal (a pipe, a buffer), or none, is the
	// plain output.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	for _, w := range []io.Writer{nil, &bytes.Buffer{}, pw} {
		got := consoleOut(t, slogx.ConsoleOptions{Writer: w}, nil, nil, rec(slog.LevelInfo, "m", slog.Int("a", 1)))
		if want := "03:04:05.123 INFO  m a=1\n"; got != want {
			t.Errorf("auto, writer %T: %q, want %q", w, got, want)
		}
	}
}

// TestConsoleDefaultTime: the cached clock of the default layout is what Format prints,
// whatever the zone and fraction, and out-of-range years fall back to Format.
func TestConsoleDefaultTime(t *testing.T) {
	enc := slogx.Console(slogx.ConsoleOptions{})
	for _, ns := range []int{0, 999999, 1000000, 123456789, 999999999} {
		for _, loc := range []*time.Location{time.UTC, time.Local, time.FixedZone("E", 5*3600+1800)} {
			for _, year := range []int{2024, 1, 12000} {
				tm := time.Date(year, 2, 29, 23, 59, 59, ns, loc)
				want := tm.Format(slogx.DefaultConsoleTimeFormat) + " INFO  m"
				if got := string(enc.Append(nil, slog.NewRecord(tm, slog.LevelInfo, "m", 0))); got != want {
					t.Errorf("%v: %q, want %q", tm, got, want)
				}
			}
		}
	}
}

func TestConsoleLevels(t *testing.T) {
	for _, c := range []struct {
		l    slog.Level
		want string
	}{
		{slog.LevelDebug - 4, "DEBUG-4 m"}, {slog.LevelDebug, "DEBUG m"}, {slog.LevelDebug + 1, "DEBUG+1 m"},
		{slog.LevelInfo, "INFO  m"}, {slog.LevelInfo + 2, "INFO+2 m"}, {slog.LevelWarn, "WARN  m"},
		{slog.LevelError, "ERROR m"}, {slog.LevelError + 4, "ERROR+4 m"}, {-100, "DEBUG-96 m"},
	} {
		got := consoleOut(t, slogx.ConsoleOptions{}, &slogx.Options{ReplaceAttr: noTime}, nil, rec(c.l, "m"))
		if got != c.want+"\n" {
			t.Errorf("level %d: %q, want %q", c.l, got, c.want)
		}
		if !strings.HasPrefix(got, c.l.String()) {
			t.Errorf("level %d: %q is not slog's %q", c.l, got, c.l.String())
		}
	}
}

func TestConsoleReplaceAttr(t *testing.T) {
	rep := func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) > 0 {
			return a
		}
		switch a.Key {
		case slog.TimeKey:
			return slog.String("ts", "T")
		case slog.LevelKey:
			if a.Value.Any().(slog.Level) == slog.LevelInfo+1 {
				return slog.String(slog.LevelKey, "NOTICE")
			}
		case slog.MessageKey:
			return slog.String(slog.MessageKey, strings.ToUpper(a.Value.String()))
		case slog.SourceKey:
			return slog.Any(slog.SourceKey, &slog.Source{File: "/src/app/db/conn.go", Line: 7})
		case "secret":
			return slog.String("secret", "***")
		}
		return a
	}
	r := rec(slog.LevelInfo+1, "hello", slog.String("secret", "pw"))
	got := consoleOut(t, slogx.ConsoleOptions{}, &slogx.Options{ReplaceAttr: rep}, nil, r)
	if want := "T NOTICE HELLO secret=***\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	r = slog.NewRecord(fixedTime, slog.LevelWarn, "m", pcs[0])
	got = consoleOut(t, slogx.ConsoleOptions{}, &slogx.Options{ReplaceAttr: rep, AddSource: true}, nil, r)
	if want := "T WARN  db/conn.go:7 M\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got = consoleOut(t, slogx.ConsoleOptions{}, &slogx.Options{AddSource: true, ReplaceAttr: noTime}, nil, r)
	if want := "WARN  slogx/console_test.go:"; !strings.HasPrefix(got, want) || !strings.HasSuffix(got, " m\n") {
		t.Errorf("got %q, want %q...", got, want)
	}
	// Everything built in removed: the attributes alone, no leading space.
	drop := func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey || a.Key == slog.MessageKey) {
			return slog.Attr{}
		}
		return a
	}
	got = consoleOut(t, slogx.ConsoleOptions{}, &slogx.Options{ReplaceAttr: drop}, nil, rec(slog.LevelInfo, "m", slog.Int("a", 1)))
	if want := "a=1\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestConsoleMultiline: blocks keep attribute order (WithAttrs' first), carry their
// group, and never break the record into two writes.
func TestConsoleMultiline(t *testing.T) {
	derive := func(l *slog.Logger) *slog.Logger { return l.With("pre", "p1\np2").WithGroup("g") }
	got := consoleOut(t, slogx.ConsoleOptions{}, &slogx.Options{ReplaceAttr: noTime}, derive,
		rec(slog.LevelInfo, "m", slog.String("a", "x\n"), slog.Int("n", 1), slog.Group("h", slog.String("b", "\n\ny\r\n"))))
	want := "INFO  m g.n=1\n  pre:\n    p1\n    p2\n  g.a:\n    x\n  g.h.b:\n    \n    \n    y\n"
	if got != want {
		t.Errorf("got:\n%q\nwant:\n%q", got, want)
	}
	// A quoted value with a backslash but no newline stays on the line.
	got = consoleOut(t, slogx.ConsoleOptions{}, &slogx.Options{ReplaceAttr: noTime}, nil,
		rec(slog.LevelInfo, "m", slog.Any("err", errors.New(`C:\dir "x"`)), slog.Any("k e", fmt.Errorf("a\tb"))))
	if want := `INFO  m err="C:\\dir \"x\"" "k e"="a\tb"` + "\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestSlogtestConsole runs testing/slogtest over Console's plain output, parsed back.
func TestSlogtestConsole(t *testing.T) {
	var buf bytes.Buffer
	h := slogx.NewHandler(&buf, &slogx.Options{Encoder: slogx.Console(slogx.ConsoleOptions{TimeFormat: time.RFC3339Nano})})
	if err := slogtest.TestHandler(h, func() []map[string]any { return parseConsole(t, buf.String()) }); err != nil {
		t.Fatal(err)
	}
}

// parseConsole turns Console lines ("time LEVEL message k=v g.k=v") back into the maps
// slogtest wants. The message runs up to the first key=value token.
func parseConsole(t *testing.T, out string) []map[string]any {
	t.Helper()
	var ms []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		m := map[string]any{}
		toks := consoleTokens(t, line)
		if len(toks) > 0 {
			if _, err := time.Parse(time.RFC3339Nano, toks[0]); err == nil {
				m[slog.TimeKey], toks = toks[0], toks[1:]
			}
		}
		if len(toks) == 0 {
			t.Fatalf("no level in %q", line)
		}
		m[slog.LevelKey], toks = toks[0], toks[1:]
		var msg []string
		for len(toks) > 0 && !strings.Contains(toks[0], "=") {
			msg, toks = append(msg, toks[0]), toks[1:]
		}
		m[slog.MessageKey] = strings.Join(msg, " ")
		for _, tok := range toks {
			k, v, _ := strings.Cut(tok, "=")
			keys := strings.Split(k, ".")
			mm := m
			for _, k := range keys[:len(keys)-1] {
				x, _ := mm[k].(map[string]any)
				if x == nil {
					x = map[string]any{}
					mm[k] = x
				}
				mm = x
			}
			mm[keys[len(keys)-1]] = unquoteConsole(t, v)
		}
		ms = append(ms, m)
	}
	return ms
}

// consoleTokens splits a line on spaces outside quotes.
func consoleTokens(t *testing.T, line string) []string {
	var toks []string
	for line = strings.TrimLeft(line, " "); line != ""; line = strings.TrimLeft(line, " ") {
		i := 0
		for i < len(line) && line[i] != ' ' {
			if line[i] == '"' {
				q, err := strconv.QuotedPrefix(line[i:])
				if err != nil {
					t.Fatalf("bad quote in %q", line)
				}
				i += len(q)
				continue
			}
			i++
		}
		toks, line = append(toks, line[:i]), line[i:]
	}
	return toks
}

func unquoteConsole(t *testing.T, v string) string {
	if strings.HasPrefix(v, `"`) {
		u, err := strconv.Unquote(v)
		if err != nil {
			t.Fatalf("unquote %s: %v", v, err)
		}
		return u
	}
	return v
}

// TestDifferentialConsole: with the built-ins removed, Console writes the shared cases'
// attributes exactly as Text does (same walker, same dotted keys, same quoting).
func TestDifferentialConsole(t *testing.T) {
	for _, c := range testutil.AttrCases() {
		rep := testutil.AttrsOnly(c.ReplaceAttr)
		var want, got bytes.Buffer
		c.Handle(t, slogx.NewHandler(&want, &slogx.Options{Encoder: slogx.Text(), ReplaceAttr: rep}))
		c.Handle(t, slogx.NewHandler(&got, &slogx.Options{Encoder: slogx.Console(slogx.ConsoleOptions{}), ReplaceAttr: rep}))
		w := want.String()
		if c.SlogHollow {
			// Text, matching slog, writes a separator for the hollow group it opens;
			// Console drops such groups, as slog documents.
			w = strings.TrimPrefix(w, " ")
		}
		if got.String() != w {
			t.Errorf("%s:\ntext:    %q\nconsole: %q", c.Name, w, got.String())
		}
	}
}

func TestConsoleZeroAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items at random under -race; make test runs this without -race too")
	}
	r := rec(slog.LevelInfo, "a message of typical length", slog.String("user", "gopher"), slog.Int("count", 42),
		slog.Float64("ratio", 0.5), slog.Bool("ok", true), slog.Duration("elapsed", 1500*time.Millisecond))
	multi := rec(slog.LevelWarn+2, "m", slog.String("body", "line 1\nline 2"), slog.Group("g", slog.Int("a", 1)))
	ctx := context.Background()
	for _, color := range []slogx.ColorMode{slogx.ColorNever, slogx.ColorAlways} {
		h := slogx.NewHandler(io.Discard, &slogx.Options{Encoder: slogx.Console(slogx.ConsoleOptions{Color: color})})
		hw := h.WithAttrs([]slog.Attr{slog.String("svc", "api"), slog.String("cfg", "a\nb")}).WithGroup("req")
		for name, hh := range map[string]slog.Handler{"plain": h, "derived": hw} {
			for _, rr := range []slog.Record{r, multi} {
				hh.Handle(ctx, rr) // warm the pools
				if n := testing.AllocsPerRun(200, func() { hh.Handle(ctx, rr) }); n != 0 {
					t.Errorf("color=%d %s %q: %v allocs/op, want 0", color, name, rr.Message, n)
				}
			}
		}
	}
}

func BenchmarkConsole(b *testing.B) {
	r := benchRecord()
	ctx := context.Background()
	for _, c := range []struct {
		name string
		enc  slogx.Encoder
	}{
		{"text", slogx.Text()},
		{"console", slogx.Console(slogx.ConsoleOptions{})},
		{"console-color", slogx.Console(slogx.ConsoleOptions{Color: slogx.ColorAlways})},
	} {
		h := slogx.NewHandler(io.Discard, &slogx.Options{Encoder: c.enc})
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h.Handle(ctx, r)
			}
		})
	}
}

func ExampleConsole() {
	// ColorAuto (the zero value): colored only if the handler's writer is a terminal and
	// NO_COLOR is unset, decided once, when the handler is built.
	enc := slogx.Console(slogx.ConsoleOptions{})
	h := slogx.NewHandler(os.Stdout, &slogx.Options{Encoder: enc, ReplaceAttr: noTime})
	logger := slog.New(h).With(slogx.LoggerKey, "api", "region", "eu")
	logger.Info("listening", "port", 8080, slog.Group("tls", "enabled", true))
	logger.WithGroup("req").Warn("slow request", "method", "GET", "path", "/search?q=a b")
	logger.Error("query failed", "err", errors.New("timeout\nwhile reading row 3"), "db", "main")
	// Output:
	// INFO  api listening region=eu port=8080 tls.enabled=true
	// WARN  api slow request region=eu req.method=GET req.path="/search?q=a b"
	// ERROR api query failed region=eu db=main
	//   err:
	//     timeout
	//     while reading row 3
}
