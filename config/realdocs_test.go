package config

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

// docCall is one log call of TestRealDocuments: Python logs Msg % Args; Go logs Text
// with Attrs (what Python's formatters find in the record's args, Go's find in attributes).
type docCall struct {
	Logger string         `json:"logger"`
	Level  int            `json:"level"`
	Msg    string         `json:"msg"`
	Args   []any          `json:"args,omitempty"`
	Text   string         `json:"text,omitempty"`
	Attrs  map[string]any `json:"attrs,omitempty"`
}

// realDocs are the documents of TestRealDocuments and the calls made through each.
var realDocs = []struct {
	file  string
	calls []docCall
}{
	{"django.json", []docCall{
		{Logger: "django.request", Level: 40, Msg: "Internal Server Error: /checkout"},
		{Logger: "django.request", Level: 30, Msg: "Not Found: /favicon.ico"},
		{Logger: "django.server", Level: 20, Msg: `"GET / HTTP/1.1" 200 512`},
		{Logger: "django.db.backends", Level: 10, Msg: "(0.001) SELECT 1"},
		{Logger: "django.security.csrf", Level: 50, Msg: "CSRF verification failed"},
		{Logger: "myapp", Level: 30, Msg: "no handler: lastResort"},
	}},
	{"gunicorn.json", []docCall{
		{Logger: "gunicorn.error", Level: 20, Msg: "Starting gunicorn %s", Args: []any{"21.2.0"}, Text: "Starting gunicorn 21.2.0"},
		{Logger: "gunicorn.error", Level: 10, Msg: "Arbiter booted"},
		{Logger: "gunicorn.access", Level: 20, Msg: `127.0.0.1 - - "GET / HTTP/1.1" 200 2`},
		{Logger: "app", Level: 30, Msg: "from the application"},
	}},
	{"uvicorn.json", []docCall{
		{Logger: "uvicorn.error", Level: 20, Msg: "Started server process [%d]", Args: []any{4242}, Text: "Started server process [4242]"},
		{Logger: "uvicorn.error", Level: 30, Msg: "Invalid HTTP request received."},
		{Logger: "uvicorn.access", Level: 20, Msg: `%s - "%s %s HTTP/%s" %d`, Args: []any{"127.0.0.1:50312", "GET", "/items/1", "1.1", 404},
			Text:  `127.0.0.1:50312 - "GET /items/1 HTTP/1.1" 404`,
			Attrs: map[string]any{"client_addr": "127.0.0.1:50312", "request_line": "GET /items/1 HTTP/1.1", "status_code": 404}},
		{Logger: "uvicorn", Level: 10, Msg: "dropped: uvicorn is at INFO"},
		{Logger: "app", Level: 40, Msg: "no handler: lastResort"},
	}},
	{"cookbook.yaml", []docCall{
		{Logger: "app", Level: 10, Msg: "debug from app"},
		{Logger: "app.db", Level: 40, Msg: "error from app.db"},
		{Logger: "other", Level: 20, Msg: "info from other: root is at DEBUG"},
		{Logger: "other", Level: 50, Msg: "critical from other"},
	}},
	{"yesno.yaml", []docCall{
		{Logger: "app", Level: 20, Msg: "buffered until close"},
		{Logger: "app.quiet", Level: 30, Msg: "dropped: app.quiet is at ERROR"},
		{Logger: "app.quiet", Level: 40, Msg: "propagate off: lastResort"},
		{Logger: "lib", Level: 20, Msg: "lib, once"},
		{Logger: "lib.loud", Level: 30, Msg: "lib.loud propagates to lib, not to root"},
		{Logger: "x", Level: 30, Msg: "root"},
	}},
}

// docMasks hide what cannot agree between two processes: times (the wall clock) and
// process ids. Each keeps the shape of what it hides under test.
var docMasks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] \[\d+\]`), "[<time>] [<pid>]"}, // gunicorn
	{regexp.MustCompile(`\[\d\d/[A-Z][a-z]{2}/\d{4} \d\d:\d\d:\d\d,\d{3}\]`), "[<time>]"},            // Django's server_time
}

// TestRealDocuments runs documents of real Python projects — Django's DEFAULT_LOGGING with
// its filters, formatter and handler registered, gunicorn's CONFIG_DEFAULTS (qualname
// keys), uvicorn's LOGGING_CONFIG with its formatter factories registered, a cookbook
// document sharing values through cfg://, and a YAML document using yes/no/on/off — under
// CPython's dictConfig (with stand-ins for Django and uvicorn in testdata/realdocs/stubs)
// and under LoadWith, each in a process and a directory of its own, with the same log
// calls, and requires the same standard output, standard error and files, byte for byte
// but for the masked times and process ids.
func TestRealDocuments(t *testing.T) {
	python := pyYAML(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range realDocs {
		t.Run(d.file, func(t *testing.T) {
			doc, err := filepath.Abs(filepath.Join("testdata/realdocs", d.file))
			if err != nil {
				t.Fatal(err)
			}
			js, _ := json.Marshal(d.calls)
			calls := filepath.Join(t.TempDir(), "calls.json")
			if err := os.WriteFile(calls, js, 0o644); err != nil {
				t.Fatal(err)
			}
			run, _ := filepath.Abs("testdata/realdocs/run.py")
			py := runSide(t, exec.Command(python, run, doc, calls))
			goCmd := exec.Command(self, "-test.run=^$")
			goCmd.Env = append(os.Environ(), "SLOGX_CONFIG_REALDOC="+doc, "SLOGX_CONFIG_REALDOC_CALLS="+calls)
			g := runSide(t, goCmd)
			if len(py) < 2 || py["stdout"]+py["stderr"] == "" && len(py) == 2 {
				t.Fatalf("python wrote nothing: %v", py)
			}
			if fmt.Sprint(keys(py)) != fmt.Sprint(keys(g)) {
				t.Fatalf("outputs differ:\npython: %v\ngo:     %v", keys(py), keys(g))
			}
			for _, k := range keys(py) {
				if py[k] != g[k] {
					t.Errorf("%s differs:\n--- python\n%s--- go\n%s", k, py[k], g[k])
				}
			}
		})
	}
}

// runSide runs cmd in a directory of its own and returns its standard output, standard
// error and every file it wrote, masked.
func runSide(t *testing.T, cmd *exec.Cmd) map[string]string {
	t.Helper()
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s%s", cmd.Path, err, stdout.Bytes(), stderr.Bytes())
	}
	out := readTree(t, cmd.Dir)
	out["stdout"], out["stderr"] = stdout.String(), stderr.String()
	for k, v := range out {
		for _, m := range docMasks {
			v = m.re.ReplaceAllString(v, m.with)
		}
		out[k] = v
	}
	return out
}

// TestMain runs the Go side of TestRealDocuments when the test binary is started as it.
func TestMain(m *testing.M) {
	if doc := os.Getenv("SLOGX_CONFIG_REALDOC"); doc != "" {
		if err := realDocChild(doc, os.Getenv("SLOGX_CONFIG_REALDOC_CALLS")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// realDocChild loads doc with the registrations a Go service moving from Django or uvicorn
// would make, and makes the calls.
func realDocChild(doc, callsPath string) error {
	b, err := os.ReadFile(callsPath)
	if err != nil {
		return err
	}
	var calls []docCall
	if err := json.Unmarshal(b, &calls); err != nil {
		return err
	}
	l, err := LoadWith(doc, Options{Registry: pythonProjects(), OnWarning: func(error) {}})
	if err != nil {
		return err
	}
	ctx := context.Background()
	for _, c := range calls {
		text := c.Text
		if text == "" {
			text = c.Msg
		}
		var attrs []any
		for _, k := range sortedKeys(c.Attrs) {
			v := c.Attrs[k]
			if f, ok := v.(float64); ok && f == float64(int64(f)) {
				v = int64(f) // JSON's numbers: 404 is an int
			}
			attrs = append(attrs, k, v)
		}
		l.Logger(c.Logger).Log(ctx, slogx.FromPythonLevel(c.Level), text, attrs...)
	}
	return l.Close()
}

// pythonProjects registers Go counterparts of Django's and uvicorn's logging classes.
func pythonProjects() *Registry {
	r := NewRegistry()
	const debug = false // settings.DEBUG
	r.RegisterFilter("django.utils.log.RequireDebugFalse", func(a *Args) (Filter, error) {
		return func(context.Context, string, slog.Record) bool { return !debug }, nil
	})
	r.RegisterFilter("django.utils.log.RequireDebugTrue", func(a *Args) (Filter, error) {
		return func(context.Context, string, slog.Record) bool { return debug }, nil
	})
	r.RegisterFormatter("django.utils.log.ServerFormatter", func(a *Args) (slogx.Encoder, error) {
		// server_time is formatTime's: datefmt, or default_time_format and the milliseconds.
		format, err := PercentFormat(a.String("fmt", ""), a.String("style", "%"))
		if err != nil {
			return nil, err
		}
		datefmt, serverTime := a.String("datefmt", ""), "%(asctime)s"
		if datefmt == "" {
			datefmt, serverTime = "%d/%b/%Y %H:%M:%S", "%(asctime)s,%(msecs)03d"
		}
		return slogx.Pattern(strings.ReplaceAll(format, "%(server_time)s", serverTime), datefmt)
	})
	r.Register("django.utils.log.AdminEmailHandler", func(a *Args, opts *slogx.Options) (slog.Handler, error) {
		a.Bool("include_html", false)
		o := *opts
		o.Encoder = slogx.MustPattern("Subject: %(levelname)s: %(message)s", "")
		return sinks.NewFile("mail.log", sinks.FileOptions{}, &o)
	})
	uvicorn := func(a *Args) (slogx.Encoder, error) {
		a.Value("use_colors") // colors follow the terminal, and the test has none
		return newFieldEncoder(a.String("fmt", ""), a.String("datefmt", ""))
	}
	r.RegisterFormatter("uvicorn.logging.DefaultFormatter", uvicorn)
	r.RegisterFormatter("uvicorn.logging.AccessFormatter", uvicorn)
	return r
}

// fieldEncoder is uvicorn's formatters in Go: a %-format whose fields beyond the
// LogRecord's (levelprefix, and the access log's client_addr, request_line, status_code)
// come from the level and the record's attributes; the rest is slogx.Pattern.
type fieldEncoder struct {
	parts []fieldPart
	attrs []slog.Attr
}

type fieldPart struct {
	enc   slogx.Encoder // a piece of the format, or
	field string        // a field of uvicorn's
}

var uvicornField = regexp.MustCompile(`%\((levelprefix|client_addr|request_line|status_code)\)s`)

func newFieldEncoder(format, datefmt string) (slogx.Encoder, error) {
	e := &fieldEncoder{}
	last := 0
	for _, m := range uvicornField.FindAllStringSubmatchIndex(format, -1) {
		if m[0] > last {
			p, err := slogx.Pattern(format[last:m[0]], datefmt)
			if err != nil {
				return nil, err
			}
			e.parts = append(e.parts, fieldPart{enc: p})
		}
		e.parts = append(e.parts, fieldPart{field: format[m[2]:m[3]]})
		last = m[1]
	}
	if last < len(format) {
		p, err := slogx.Pattern(format[last:], datefmt)
		if err != nil {
			return nil, err
		}
		e.parts = append(e.parts, fieldPart{enc: p})
	}
	return e, nil
}

func (e *fieldEncoder) Append(dst []byte, r slog.Record) []byte {
	for _, p := range e.parts {
		if p.enc != nil {
			dst = p.enc.Append(dst, r)
			continue
		}
		if p.field == "levelprefix" {
			name := slogx.PythonLevelName(r.Level)
			dst = append(dst, name+":"+strings.Repeat(" ", max(0, 8-len(name)))...)
			continue
		}
		v, ok := e.attr(r, p.field)
		if p.field == "status_code" && ok && v.Kind() == slog.KindInt64 {
			dst = fmt.Appendf(dst, "%d %s", v.Int64(), http.StatusText(int(v.Int64())))
		} else if ok {
			dst = append(dst, v.String()...)
		}
	}
	return dst
}

func (e *fieldEncoder) attr(r slog.Record, key string) (v slog.Value, ok bool) {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			v, ok = a.Value.Resolve(), true
		}
		return !ok
	})
	for _, a := range e.attrs {
		if !ok && a.Key == key {
			v, ok = a.Value.Resolve(), true
		}
	}
	return v, ok
}

func (e *fieldEncoder) derive(f func(slogx.Encoder) slogx.Encoder) *fieldEncoder {
	c := &fieldEncoder{parts: make([]fieldPart, len(e.parts)), attrs: e.attrs}
	for i, p := range e.parts {
		c.parts[i] = p
		if p.enc != nil {
			c.parts[i].enc = f(p.enc)
		}
	}
	return c
}

func (e *fieldEncoder) WithAttrs(as []slog.Attr) slogx.Encoder {
	c := e.derive(func(p slogx.Encoder) slogx.Encoder { return p.WithAttrs(as) })
	c.attrs = append(append([]slog.Attr(nil), e.attrs...), as...)
	return c
}

func (e *fieldEncoder) WithGroup(name string) slogx.Encoder {
	return e.derive(func(p slogx.Encoder) slogx.Encoder { return p.WithGroup(name) })
}

func (e *fieldEncoder) WithOptions(o slogx.EncoderOptions) slogx.Encoder {
	return e.derive(func(p slogx.Encoder) slogx.Encoder { return p.WithOptions(o) })
}
