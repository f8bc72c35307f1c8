package config

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
)

func runtimeDoc(t *testing.T) (*Logging, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "app.log")
	l, err := Parse([]byte(`
version: 1
formatters: {f: {format: "%(levelname)s %(name)s %(message)s"}}
handlers:
  file: {class: logging.FileHandler, filename: "` + path + `", formatter: f, level: "${SLOGX_TEST_LOG_LEVEL:-INFO}"}
loggers:
  app: {level: info}
  app.db: {}
root: {level: Warning, handlers: [file]}
`))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, path
}

// TestSetLevel: SetLevel changes a logger's level and its descendants' effective level
// while others log; NotSet makes it inherit again; Levels lists them.
func TestSetLevel(t *testing.T) {
	t.Setenv("SLOGX_TEST_LOG_LEVEL", "debug") // ${LOG_LEVEL:-INFO} with LOG_LEVEL=debug
	l, path := runtimeDoc(t)
	pool := l.Logger("app.db.pool")
	pool.Debug("dropped: app is at INFO")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					l.Logger("other").Debug("never") // root is at WARNING
				}
			}
		}()
	}
	l.SetLevel("app.db", slog.LevelDebug)
	pool.Debug("kept: app.db is at DEBUG")
	l.SetLevel("app.db", NotSet)
	pool.Debug("dropped: app.db inherits INFO again")
	l.SetLevel("root", slog.LevelError)
	l.Logger("x").Warn("dropped: root is at ERROR")
	close(stop)
	wg.Wait()
	want := []LoggerLevel{{"root", slog.LevelError, slog.LevelError}, {"app", slog.LevelInfo, slog.LevelInfo},
		{"app.db", NotSet, slog.LevelInfo}}
	got := l.Levels()
	if len(got) != len(want) {
		t.Fatalf("Levels() = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Levels()[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	l.Close()
	if got, want := readFile(t, path), "DEBUG app.db.pool kept: app.db is at DEBUG\n"; got != want {
		t.Errorf("file = %q, want %q", got, want)
	}
}

// TestSetLevelAllocs: logging through a configured logger allocates nothing more after
// SetLevel than before (the level is one atomic load).
func TestSetLevelAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("allocations are counted without -race")
	}
	l, err := Parse([]byte(`{"version": 1, "handlers": {"n": {"class": "logging.NullHandler"}}, "root": {"level": "INFO", "handlers": ["n"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	lg := l.Logger("app")
	ctx := context.Background()
	before := testing.AllocsPerRun(1000, func() { lg.Log(ctx, slog.LevelInfo, "at") })
	l.SetLevel("app", slog.LevelDebug)
	after := testing.AllocsPerRun(1000, func() { lg.Log(ctx, slog.LevelDebug, "at") })
	disabled := testing.AllocsPerRun(1000, func() { lg.Log(ctx, slog.LevelDebug-1, "below") })
	if after != before || disabled != 0 {
		t.Errorf("allocations per log call: %v before SetLevel, %v after, %v disabled (want equal, equal, 0)", before, after, disabled)
	}
}

// TestApplyIncremental: an incremental document changes handler and logger levels only;
// an unknown handler or a changed propagate is an error that changes nothing.
func TestApplyIncremental(t *testing.T) {
	l, path := runtimeDoc(t)
	var warnings []string
	l.opts.OnWarning = func(err error) { warnings = append(warnings, err.Error()) }
	if err := l.Apply([]byte(`{"version": 1, "incremental": true,
	  "handlers": {"file": {"level": "DEBUG", "formatter": "other"}},
	  "loggers": {"app.db": {"level": "DEBUG", "handlers": ["file"]}}}`)); err != nil {
		t.Fatal(err)
	}
	l.Logger("app.db.x").Debug("kept")
	l.Logger("app.x").Debug("dropped")
	for _, c := range []struct{ doc, want string }{
		{`{"version": 1, "incremental": true, "handlers": {"nope": {"level": "DEBUG"}}}`, `config: handlers.nope: no handler found with name "nope"`},
		{`{"version": 1, "incremental": true, "root": {"level": "DEBUG"}, "loggers": {"app": {"propagate": false}}}`, `config: loggers.app.propagate: cannot change at run time (it is true)`},
		{`{"version": 1, "root": {"level": "DEBUG"}}`, `config: incremental: Apply takes an incremental document (incremental: true); Load a whole one`},
	} {
		if err := l.Apply([]byte(c.doc)); err == nil || err.Error() != c.want {
			t.Errorf("Apply: %v, want %s", err, c.want)
		}
	}
	l.Logger("other").Info("dropped: root stays at WARNING")
	l.Close()
	if got, want := readFile(t, path), "DEBUG app.db.x kept\n"; got != want {
		t.Errorf("file = %q, want %q", got, want)
	}
	want := []string{"config: handlers.file.formatter: ignored, as CPython ignores it for a handler in an incremental document",
		"config: loggers.app.db.handlers: ignored, as CPython ignores it for a logger in an incremental document"}
	if strings.Join(warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warnings, "\n"), strings.Join(want, "\n"))
	}
}

// TestLevelHandler: GET lists the loggers, PUT and POST change one, bad input is a 400
// that says why, other methods a 405.
func TestLevelHandler(t *testing.T) {
	l, _ := runtimeDoc(t)
	l.Logger("app.http") // a logger the program uses may be set too
	h := l.LevelHandler()
	do := func(method, body, ctype string) (int, string) {
		r := httptest.NewRequest(method, "/loggers", strings.NewReader(body))
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code, w.Body.String()
	}
	code, body := do("GET", "", "")
	if want := `{"loggers":[{"logger":"root","level":"WARNING","effective":"WARNING"},{"logger":"app","level":"INFO","effective":"INFO"},{"logger":"app.db","level":"NOTSET","effective":"INFO"}]}` + "\n"; code != 200 || body != want {
		t.Errorf("GET: %d %s, want %s", code, body, want)
	}
	code, body = do("PUT", `{"logger":"app.db","level":"debug"}`, "")
	if want := `{"logger":"app.db","level":"DEBUG","effective":"DEBUG"}` + "\n"; code != 200 || body != want {
		t.Errorf("PUT: %d %s", code, body)
	}
	code, body = do("POST", `logger=app.http&level=python:40`, "application/x-www-form-urlencoded")
	if want := `{"logger":"app.http","level":"ERROR","effective":"ERROR"}` + "\n"; code != 200 || body != want {
		t.Errorf("POST form: %d %s", code, body)
	}
	code, body = do("PUT", `{"logger":"app.db","level":"NOTSET"}`, "")
	if want := `{"logger":"app.db","level":"NOTSET","effective":"INFO"}` + "\n"; code != 200 || body != want {
		t.Errorf("PUT NOTSET: %d %s", code, body)
	}
	for _, c := range []struct{ body, want string }{
		{`{"logger":"app.dbb","level":"DEBUG"}`, `unknown logger \"app.dbb\"`},
		{`{"level":"DEBUG"}`, `must specify the logger`},
		{`{"logger":"app"}`, `must specify the level`},
		{`{"logger":"app","level":"LOUD"}`, `level \"LOUD\": want DEBUG`},
		{`{"logger":"app","level":"DEBUG","extra":1}`, `unknown field \"extra\"`},
		{`{"logger":"app","level":"DEBUG"} {}`, `more than one JSON value`},
		{`{"logger":"` + strings.Repeat("a", 5000) + `","level":"DEBUG"}`, `request body too large`},
	} {
		code, body := do("PUT", c.body, "application/json")
		if code != 400 || !strings.Contains(body, c.want) {
			t.Errorf("PUT %.40s: %d %s, want 400 with %s", c.body, code, body, c.want)
		}
	}
	if code, _ := do("DELETE", "", ""); code != http.StatusMethodNotAllowed {
		t.Errorf("DELETE: %d", code)
	}
	var list struct{ Loggers []levelJSON }
	_, body = do("GET", "", "")
	if err := json.NewDecoder(bytes.NewReader([]byte(body))).Decode(&list); err != nil || len(list.Loggers) != 4 {
		t.Errorf("GET after PUT: %v %s", err, body)
	}
}
