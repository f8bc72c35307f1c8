package config

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

// TestFactories: "()" names registered formatter, filter and handler factories, with
// keyword arguments and "." properties; logging.Formatter and logging.Filter are built in
// as factories too; "format" reaches a formatter factory as "fmt", as CPython retries it.
func TestFactories(t *testing.T) {
	dir := t.TempDir()
	r := NewRegistry()
	r.RegisterFormatter("myapp.Upper", func(a *Args) (slogx.Encoder, error) {
		format := a.String("fmt", "")
		upper := a.Properties().Bool("upper", false)
		if upper {
			format = strings.ToUpper(format)
		}
		return NewFormatter(format, "", a.String("style", "%"))
	})
	r.RegisterFilter("myapp.Drop", func(a *Args) (Filter, error) {
		word := a.String("word", "")
		return func(_ context.Context, logger string, rec slog.Record) bool {
			return !strings.Contains(rec.Message, word)
		}, a.Err()
	})
	var made []string
	r.Register("myapp.File", func(a *Args, opts *slogx.Options) (slog.Handler, error) {
		made = append(made, a.String("tag", ""))
		return slogx.NewHandler(nopWriter{}, opts), a.Err()
	})
	path := filepath.Join(dir, "f.log")
	l, err := r.Parse([]byte(`
version: 1
formatters:
  up: {"()": myapp.Upper, format: "{levelname} {message}", style: "{", ".": {upper: false}}
  std: {"()": logging.Formatter, fmt: "%(name)s|%(message)s"}
filters:
  nosecret: {"()": myapp.Drop, word: secret}
  app: {"()": logging.Filter, name: app}
handlers:
  file: {class: logging.FileHandler, filename: "` + path + `", formatter: up, filters: [nosecret, app], ".": {terminator: "\r\n"}}
  custom: {"()": myapp.File, tag: t1, formatter: std}
root: {level: DEBUG, handlers: [file, custom]}
`))
	if err != nil {
		t.Fatal(err)
	}
	l.Logger("app.x").Info("hello")
	l.Logger("app.x").Info("a secret")
	l.Logger("lib").Info("not app")
	l.Close()
	if got, want := readFile(t, path), "INFO hello\r\n"; got != want {
		t.Errorf("file = %q, want %q", got, want)
	}
	if fmt.Sprint(made) != "[t1]" {
		t.Errorf("factory calls: %v", made)
	}
	for _, c := range []struct{ doc, want string }{
		{`{"version": 1, "formatters": {"f": {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(message)s"}}}`,
			`config: formatters.f.(): unregistered formatter class "uvicorn.logging.DefaultFormatter" (built in: logging.Formatter, slogx.Console, slogx.JSON, slogx.Text): register a config.FormatterFactory with config.RegisterFormatter("uvicorn.logging.DefaultFormatter", f) (or Registry.RegisterFormatter) before loading`},
		{`{"version": 1, "formatters": {"f": {"()": "myapp.Upper", "fmt": "%(message)s", ".": {"lower": true}}}}`,
			`config: formatters.f...lower: unknown key for myapp.Upper (a property)`},
		{`{"version": 1, "filters": {"f": {"()": "myapp.Drop", "words": "x"}}}`,
			`config: filters.f.words: unknown key for myapp.Drop`},
		{`{"version": 1, "handlers": {"h": {"class": "logging.NullHandler", ".": {"colour": 1}}}}`,
			`config: handlers.h...colour: unknown key for logging.NullHandler (a property)`},
	} {
		if _, err := r.Parse([]byte(c.doc)); err == nil || err.Error() != c.want {
			t.Errorf("error\n got: %v\nwant: %s", err, c.want)
		}
	}
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

// TestIgnoredKeysWarn: the keys CPython ignores load with a warning each (and are errors
// with Strict, see TestMalformed); gunicorn's qualname is the common one.
func TestIgnoredKeysWarn(t *testing.T) {
	var got []string
	l, err := ParseWith([]byte(`{"version": 1, "custom": {"x": 1},
	  "formatters": {"f": {"format": "%(message)s", "colour": true}},
	  "filters": {"g": {"name": "app", "mode": 1}},
	  "handlers": {"n": {"class": "logging.NullHandler"}},
	  "loggers": {"gunicorn.error": {"level": "INFO", "qualname": "gunicorn.error"}}}`),
		Options{OnWarning: func(err error) { got = append(got, err.Error()) }})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	want := []string{
		"config: custom: ignored: a top-level section no cfg:// reference reads",
		`config: formatters.f.colour: ignored, as CPython ignores it for a formatter without "()"`,
		`config: filters.g.mode: ignored, as CPython ignores it for a filter without "()"`,
		"config: loggers.gunicorn.error.qualname: ignored, as CPython ignores it for a logger",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(l.Warnings()) != len(want) {
		t.Errorf("Warnings() = %v", l.Warnings())
	}
}

// TestCfgReferences: cfg:// reads values from custom sections and from the document's own,
// through dots and [indexes], recursively; errors are CPython's (checked against
// CPython 3.11: KeyError('nope'), IndexError('list index out of range'), ValueError("Unable
// to convert 'x.a/b' at '/b'"), ...).
func TestCfgReferences(t *testing.T) {
	dir := t.TempDir()
	l, err := Parse([]byte(`
version: 1
paths: {logdir: "` + dir + `", files: {app: "` + dir + `/app.log"}, levels: [DEBUG, ERROR]}
alias: cfg://paths.files
formatters: {f: {format: "%(levelname)s %(message)s"}}
handlers:
  file: {class: logging.FileHandler, filename: "cfg://alias[app]", formatter: f, level: "cfg://paths.levels[0]"}
root: {level: "cfg://handlers.file.level", handlers: [file]}
`))
	if err != nil {
		t.Fatal(err)
	}
	l.Logger("a").Debug("via cfg")
	l.Close()
	if got := readFile(t, filepath.Join(dir, "app.log")); got != "DEBUG via cfg\n" {
		t.Errorf("file = %q", got)
	}
	base := "version: 1\nx: {a: [1, 2], s: abc}\nloop: cfg://loop\nroot: {level: "
	for _, c := range []struct{ ref, want string }{
		{"cfg://nope", `config: root.level: cfg://nope: KeyError: 'nope'`},
		{"cfg://x.b", `config: root.level: cfg://x.b: KeyError: 'b'`},
		{"cfg://x.a[5]", `config: root.level: cfg://x.a[5]: IndexError: list index out of range`},
		{"cfg://x.a.b", `config: root.level: cfg://x.a.b: TypeError: list indices must be integers or slices, not str`},
		{"cfg://x[0]", `config: root.level: cfg://x[0]: KeyError: 0`},
		{"cfg://x.a/b", `config: root.level: cfg://x.a/b: ValueError: Unable to convert 'x.a/b' at '/b'`},
		{"cfg://.x", `config: root.level: cfg://.x: ValueError: Unable to convert '.x'`},
		{"cfg://loop", `config: root.level: cfg://loop: refers to itself (cfg://loop -> cfg://loop)`},
		{"cfg://x.s[1]", `config: root.level: want a level name (DEBUG, INFO, WARNING, ERROR, CRITICAL, NOTSET, in any case) or Python's number, got "b"`},
	} {
		if _, err := ParseWith([]byte(base+strconv.Quote(c.ref)+"}\n"), Options{OnWarning: func(error) {}}); err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got: %v\nwant: %s", c.ref, err, c.want)
		}
	}
}

// TestSlogxClasses: slogx.Console as a formatter, slogx.Sample as a handler wrapping its
// target, and a registered context function turned on for a logger tree.
func TestSlogxClasses(t *testing.T) {
	dir := t.TempDir()
	r := NewRegistry()
	type key struct{}
	r.RegisterContext("request", func(ctx context.Context) []slog.Attr {
		if id, ok := ctx.Value(key{}).(string); ok {
			return []slog.Attr{slog.String("request", id)}
		}
		return nil
	})
	path := filepath.Join(dir, "c.log")
	l, err := r.Parse([]byte(`
version: 1
formatters:
  console: {class: slogx.Console, timeFormat: "", color: never}
handlers:
  file: {class: logging.FileHandler, filename: "` + path + `", formatter: console}
  sampled: {class: slogx.Sample, target: file, tick: 3600, first: 2, thereafter: 0}
loggers:
  app: {level: INFO, handlers: [sampled], propagate: false, context: request}
`))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), key{}, "r1")
	lg := l.Logger("app.http")
	for i := range 5 {
		lg.InfoContext(ctx, "hit", "i", i)
	}
	l.Close()
	want := "INFO  app.http hit i=0 request=r1\nINFO  app.http hit i=1 request=r1\n" // the logger name is a column
	got := readFile(t, path)
	// Console prints the record's time first; the rest is fixed.
	var rest []string
	for _, line := range strings.SplitAfter(got, "\n") {
		if _, after, ok := strings.Cut(line, " "); ok {
			rest = append(rest, after)
		}
	}
	if strings.Join(rest, "") != want {
		t.Errorf("file = %q, want lines ending %q", got, want)
	}
}

// TestLevelForms: level names in any case, Python's numbers as numbers and as strings, and
// ext://logging.DEBUG, as CPython imports it.
func TestLevelForms(t *testing.T) {
	for _, v := range []string{`"debug"`, `"Debug"`, `"DEBUG"`, `10`, `"10"`, `"ext://logging.DEBUG"`, `" debug "`} {
		l, err := Parse([]byte(`{"version": 1, "loggers": {"app": {"level": ` + v + `}}}`))
		if err != nil {
			t.Errorf("%s: %v", v, err)
			continue
		}
		if got := l.Levels()[1]; got.Level != slog.LevelDebug {
			t.Errorf("%s: level %v", v, got.Level)
		}
		l.Close()
	}
}

// TestCfgErrorsAsCPython: the error of each bad reference is the exception CPython 3.11's
// dictConfig raises for it, type and message, asked of python3 itself.
func TestCfgErrorsAsCPython(t *testing.T) {
	python := testutil.LookPath(t, "python3")
	refs := []string{"cfg://nope", "cfg://x.b", "cfg://x.a[5]", "cfg://x.a.b", "cfg://x[0]", "cfg://x.a/b",
		"cfg://.x", "cfg://x.s.y", "cfg://x.a[0].b", "cfg://x.a[-1]", "cfg:// x . a [ 1 ]x", "cfg://x[a]b"}
	const script = `
import json, logging.config, sys
for ref in json.load(sys.stdin):
    try:
        logging.config.dictConfig({"version": 1, "x": {"a": [1, 2], "s": "abc"}, "root": {"level": ref}})
        print("ok")
    except ValueError as e:
        c = e.__cause__
        print("%s: %s" % (type(c).__name__, repr(c.args[0]) if isinstance(c, KeyError) else c))
`
	js, _ := json.Marshal(refs)
	cmd := exec.Command(python, "-c", script)
	cmd.Stdin = bytes.NewReader(js)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	want := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(want) != len(refs) {
		t.Fatalf("python3 answered %d lines for %d references:\n%s", len(want), len(refs), out)
	}
	for i, ref := range refs {
		_, err := ParseWith([]byte(`{"version": 1, "x": {"a": [1, 2], "s": "abc"}, "root": {"level": `+strconv.Quote(ref)+`}}`), Options{OnWarning: func(error) {}})
		got := "ok"
		if err != nil {
			_, got, _ = strings.Cut(err.Error(), ref+": ")
		}
		if got != want[i] {
			t.Errorf("%s: got %q, CPython %q", ref, got, want[i])
		}
	}
}

// The built-in context name adds what slogx.ContextWith stored, at the top level, to the
// records of the whole tree.
func TestContextWithBuiltin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	doc := `{"version": 1,
  "formatters": {"j": {"class": "slogx.JSON"}},
  "handlers": {"f": {"class": "logging.FileHandler", "filename": ` + strconv.Quote(path) + `, "formatter": "j"}},
  "loggers": {"app": {"level": "INFO", "handlers": ["f"], "context": "slogx.ContextWith"}}}`
	l, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	ctx := slogx.ContextWith(context.Background(), slog.String("request_id", "r7"))
	l.Logger("app.db").WithGroup("q").InfoContext(ctx, "hit", "n", 1)
	l.Close()
	got := readFile(t, path)
	if !strings.Contains(got, `"request_id":"r7"`) || !strings.Contains(got, `"q":{"n":1}`) {
		t.Errorf("file %q: want request_id at the top and n in q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering the built-in name did not panic")
		}
	}()
	NewRegistry().RegisterContext(ContextWith, func(context.Context) []slog.Attr { return nil })
}
