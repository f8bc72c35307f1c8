package slogx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/slogx/handlers/internal/testutil"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

func patternLine(t *testing.T, format, datefmt string, r slog.Record, with ...any) string {
	t.Helper()
	enc, err := slogx.Pattern(format, datefmt)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	h := slogx.NewHandler(&buf, &slogx.Options{Encoder: enc, Level: slog.LevelDebug})
	if err := slog.New(h).With(with...).Handler().Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestPatternFields(t *testing.T) {
	tm := time.Date(2024, 5, 6, 7, 8, 9, 45_678_000, time.UTC)
	r := slog.NewRecord(tm, slog.LevelWarn, "disk at 91%", 0)
	r.AddAttrs(slog.String("mount", "/var"), slog.Int("pct", 91))
	for _, tc := range []struct{ format, datefmt, want string }{
		{"%(asctime)s %(levelname)s %(name)s %(message)s", "", "2024-05-06 07:08:09,045 WARNING root disk at 91%\n"},
		{"%(levelname)-8s|%(levelno)d|%(msecs)03d|%(created).3f", "", "WARNING |30|045|1714979289.046\n"},
		{"[%(asctime)s] %(message)s %(attrs)s", "%d/%b/%Y:%H:%M:%S %z", "[06/May/2024:07:08:09 +0000] disk at 91% mount=/var pct=91\n"},
		{"%(name)s %(levelname)8s %%", "", "root  WARNING %\n"},
	} {
		if got := patternLine(t, tc.format, tc.datefmt, r); got != tc.want {
			t.Errorf("%q: got %q want %q", tc.format, got, tc.want)
		}
	}
	if got := patternLine(t, "%(name)s: %(attrs)s", "", r, slogx.LoggerKey, "app.db", "conn", 3); got != "app.db: logger=app.db conn=3 mount=/var pct=91\n" {
		t.Errorf("logger name: %q", got)
	}
}

func TestPatternSourceFields(t *testing.T) {
	enc := slogx.MustPattern("%(filename)s:%(lineno)d %(funcName)s %(module)s", "")
	var buf bytes.Buffer
	slog.New(slogx.NewHandler(&buf, &slogx.Options{Encoder: enc})).Info("x")
	got := buf.String()
	if !strings.HasPrefix(got, "pattern_test.go:") || !strings.Contains(got, "TestPatternSourceFields pattern_test") {
		t.Fatalf("source fields: %q", got)
	}
}

func TestPatternErrors(t *testing.T) {
	for _, tc := range []struct{ format, datefmt string }{
		{"%(nosuch)s", ""},
		{"%(message)q", ""},
		{"%(message", ""},
		{"100% sure %(message)s", ""},
		{"%(message)s", "%Y-%Q"},
	} {
		if _, err := slogx.Pattern(tc.format, tc.datefmt); err == nil {
			t.Errorf("Pattern(%q, %q): no error", tc.format, tc.datefmt)
		}
	}
}

// TestPatternMatchesPython formats the same records with CPython's logging.Formatter and with
// Pattern and compares the lines byte for byte.
func TestPatternMatchesPython(t *testing.T) {
	py := testutil.LookPath(t, "python3")
	formats := []struct{ format, datefmt string }{
		{"%(asctime)s %(levelname)s %(name)s %(message)s", ""},
		{"%(levelname)-8s %(levelno)5d %(msecs)03d %(created)f %(message)s", ""},
		{"%(asctime)s|%(levelname)+10s|%(levelno)x|%(message).5s|%(created).2f|%(msecs)d", "%Y-%m-%dT%H:%M:%S %j %a %A %b %B %p %I %y"},
		{"%(name)s %(levelno)-4d%% %(message)10s.", "%d %H"},
	}
	levels := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError, slogx.LevelCritical, slog.LevelInfo + 2}
	times := []time.Time{
		time.Date(2024, 1, 2, 3, 4, 5, 6_000_000, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999_999_000, time.UTC),
		time.Date(2030, 7, 4, 12, 0, 0, 0, time.UTC),
	}
	type job struct {
		Format, Datefmt, Msg string
		Level                int
		Created              float64
		NS                   int64
	}
	var jobs []job
	var want []string
	for _, f := range formats {
		enc := slogx.MustPattern(f.format, f.datefmt)
		for _, lv := range levels {
			for i, tm := range times {
				msg := fmt.Sprintf("message %d é", i)
				jobs = append(jobs, job{f.format, f.datefmt, msg, slogx.PythonLevel(lv), float64(tm.UnixNano()) / 1e9, tm.UnixNano()})
				want = append(want, string(enc.Append(nil, slog.NewRecord(tm, lv, msg, 0))))
			}
		}
	}
	in, _ := json.Marshal(jobs)
	script := `
import json, logging, sys, time
logging.Formatter.converter = time.gmtime
for j in json.load(sys.stdin):
    f = logging.Formatter(j["Format"], j["Datefmt"] or None)
    r = logging.LogRecord("root", j["Level"], "p.py", 1, j["Msg"], None, None)
    r.created = j["NS"] / 1e9
    r.msecs = (j["NS"] // 1_000_000) % 1000
    print(json.dumps(f.format(r)))
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(want) {
		t.Fatalf("python printed %d lines, want %d", len(lines), len(want))
	}
	for i, l := range lines {
		var got string
		json.Unmarshal([]byte(l), &got)
		if got != want[i] {
			t.Errorf("job %+v:\npython: %q\nslogx:  %q", jobs[i], got, want[i])
		}
	}
}

func TestPatternZeroAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items at random under -race; make test runs this without -race too")
	}
	enc := slogx.MustPattern("%(asctime)s %(levelname)s %(name)s %(message)s %(attrs)s", "")
	h := slogx.NewHandler(discard{}, &slogx.Options{Encoder: enc})
	r := slog.NewRecord(fixedTime, slog.LevelInfo, "m", 0)
	r.AddAttrs(slog.Int("a", 1), slog.String("b", "x"))
	ctx := context.Background()
	h.Handle(ctx, r)
	if n := testing.AllocsPerRun(100, func() { h.Handle(ctx, r) }); n != 0 {
		t.Errorf("%v allocs/op", n)
	}
}

// TestPatternRecordLoggerName checks %(name)s when the record carries its own LoggerKey
// attribute: Pattern writes the line with the handler's name while %(attrs)s looks for the
// key, and writes it again when the record names another logger (see pattern.nameFirst);
// formats with the name after the attributes, or none, find it by a scan first.
func TestPatternRecordLoggerName(t *testing.T) {
	tm := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	rec := func(attrs ...slog.Attr) slog.Record {
		r := slog.NewRecord(tm, slog.LevelInfo, "m", 0)
		r.AddAttrs(attrs...)
		return r
	}
	for _, tc := range []struct {
		name   string
		format string
		r      slog.Record
		with   []any
		want   string
	}{
		{"handler name", "%(name)s: %(message)s %(attrs)s", rec(slog.Int("n", 1)),
			[]any{slogx.LoggerKey, "app"}, "app: m logger=app n=1\n"},
		{"record names another", "%(name)s: %(message)s %(attrs)s", rec(slog.Int("n", 1), slog.String(slogx.LoggerKey, "db")),
			[]any{slogx.LoggerKey, "app"}, "db: m logger=app n=1 logger=db\n"},
		{"record names a longer one", "%(name)s: %(message)s %(attrs)s", rec(slog.Int("n", 1), slog.String(slogx.LoggerKey, "database.pool")),
			[]any{slogx.LoggerKey, "app"}, "database.pool: m logger=app n=1 logger=database.pool\n"},
		{"record names the same", "%(name)s: %(message)s %(attrs)s", rec(slog.String(slogx.LoggerKey, "app")),
			[]any{slogx.LoggerKey, "app"}, "app: m logger=app logger=app\n"},
		{"first of two wins", "%(name)s %(attrs)s", rec(slog.String(slogx.LoggerKey, "x"), slog.String(slogx.LoggerKey, "y")),
			nil, "x logger=x logger=y\n"},
		{"root, record names one", "[%(name)s] %(attrs)s [%(name)s]", rec(slog.Any(slogx.LoggerKey, 42)),
			nil, "[42] logger=42 [42]\n"},
		{"attrs first", "%(attrs)s | %(name)s", rec(slog.String(slogx.LoggerKey, "db"), slog.Int("n", 2)),
			nil, "logger=db n=2 | db\n"},
		{"no attrs", "%(name)s %(attrs)s|", rec(), []any{slogx.LoggerKey, "app"}, "app logger=app|\n"},
		{"padded attrs: no watch", "%(name)s %(attrs)-30s|", rec(slog.String(slogx.LoggerKey, "db")),
			nil, "db " + fmt.Sprintf("%-30s", "logger=db") + "|\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := patternLine(t, tc.format, "", tc.r, tc.with...); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	// Inside a group the record's attributes name no logger: the handler's name stays.
	enc := slogx.MustPattern("%(name)s %(attrs)s", "")
	var buf bytes.Buffer
	h := slogx.NewHandler(&buf, &slogx.Options{Encoder: enc}).
		WithAttrs([]slog.Attr{slog.String(slogx.LoggerKey, "app")}).WithGroup("g")
	if err := h.Handle(context.Background(), rec(slog.String(slogx.LoggerKey, "db"))); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "app logger=app g.logger=db\n"; got != want {
		t.Errorf("in a group: got %q, want %q", got, want)
	}
}
