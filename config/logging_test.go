package config

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/slogx/handlers/slogx"
)

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestYAMLAndEnvironment loads a YAML document with ${VAR} in handlers and loggers; the
// '$'-style format is left alone.
func TestYAMLAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SLOGX_TEST_DIR", dir)
	t.Setenv("SLOGX_TEST_EMPTY", "")
	path := filepath.Join(dir, "logging.yml")
	os.WriteFile(path, []byte(`
version: 1
formatters:
  dollar: {format: "${levelname} $$${name}: ${message}", style: $}
handlers:
  file: {class: logging.FileHandler, filename: "${SLOGX_TEST_DIR}/app.log", formatter: dollar}
loggers:
  app: {level: "${SLOGX_TEST_EMPTY:-INFO}", handlers: [file]}
`), 0o644)
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	l.Logger("app.x").Debug("not this")
	l.Logger("app.x").Info("costs $5")
	l.Close()
	if got, want := readFile(t, filepath.Join(dir, "app.log")), "INFO $app.x: costs $5\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestRegister registers a factory on a Registry of the test's own and names it with
// "()" and with "class".
func TestRegister(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	r := NewRegistry()
	r.Register("myapp.Buffer", func(a *Args, opts *slogx.Options) (slog.Handler, error) {
		prefix := a.String("prefix", "")
		if err := a.Err(); err != nil {
			return nil, err
		}
		o := *opts
		o.Terminator = "\n"
		return slogx.NewHandler(lockedWriter{&mu, prefixWriter{prefix, &buf}}, &o), nil
	})
	l, err := r.Parse([]byte(`{"version": 1,
	  "formatters": {"f": {"format": "%(name)s %(message)s"}},
	  "handlers": {"a": {"()": "myapp.Buffer", "prefix": "A:", "formatter": "f"},
	               "b": {"class": "myapp.Buffer", "level": "ERROR", "formatter": "f"}},
	  "root": {"level": "INFO", "handlers": ["a", "b"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	l.Logger("x").Info("one")
	l.Logger("x").Error("two")
	l.Close()
	if got, want := buf.String(), "A:x one\nA:x two\nx two\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	_, err = r.Parse([]byte(`{"version": 1, "handlers": {"a": {"()": "myapp.Buffer", "prefx": "A:"}}}`))
	if want := "config: handlers.a.prefx: unknown key for myapp.Buffer"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	_, err = r.Parse([]byte(`{"version": 1, "handlers": {"a": {"()": "myapp.Buffer", "prefix": 3}}}`))
	if want := `config: handlers.a.prefix: want a string, got 3`; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	_, err = Parse([]byte(`{"version": 1, "handlers": {"a": {"()": "myapp.Buffer"}}}`))
	if want := `config: handlers.a.(): unknown handler class "myapp.Buffer": register a config.Factory with config.Register("myapp.Buffer", f) (or Registry.Register) before loading`; err == nil || err.Error() != want {
		t.Errorf("the package registry sees another registry's factory: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a built-in class name did not panic")
		}
	}()
	r.Register("logging.FileHandler", func(*Args, *slogx.Options) (slog.Handler, error) { return nil, nil })
}

type prefixWriter struct {
	prefix string
	w      *bytes.Buffer
}

func (p prefixWriter) Write(b []byte) (int, error) {
	p.w.WriteString(p.prefix)
	return p.w.Write(b)
}

// TestHandlerByName checks Handler(name): the entry's level, formatter and filters, the
// filters reading the logger name from slogx.LoggerKey; and that root has two names.
func TestHandlerByName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "db.log")
	l, err := Parse([]byte(`{"version": 1,
	  "formatters": {"f": {"format": "%(name)s %(levelname)s %(message)s"}},
	  "filters": {"db": {"name": "app.db"}},
	  "handlers": {"db": {"class": "logging.FileHandler", "filename": "` + path + `", "formatter": "f", "filters": ["db"], "level": "INFO"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	h := l.Handler("db")
	slog.New(h).Info("root is filtered out")
	slog.New(h).With(slogx.LoggerKey, "app.db.pool").Info("kept")
	slog.New(h).With(slogx.LoggerKey, "app.dbx").Info("filtered out")
	slog.New(h).With(slogx.LoggerKey, "app.db").Debug("below the level")
	slog.New(h).Info("kept too", slogx.LoggerKey, "app.db")
	if l.Handler("nope") != nil {
		t.Error("Handler of an unknown name is not nil")
	}
	if l.Logger("root") != l.Logger("") {
		t.Error(`Logger("root") is not Logger("")`)
	}
	if err := slogx.Close(h); err != nil { // a borrowed handler: Close is the Logging's
		t.Fatal(err)
	}
	l.Logger("app.db").Warn("root has no handler: lastResort")
	l.Close()
	if got, want := readFile(t, path), "app.db.pool INFO kept\napp.db INFO kept too\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestFlushReachesBufferedHandlers checks Flush: a MemoryHandler's records reach its target.
func TestFlushReachesBufferedHandlers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mem.log")
	l, err := Parse([]byte(`{"version": 1,
	  "handlers": {"file": {"class": "logging.FileHandler", "filename": "` + path + `"},
	               "mem": {"class": "logging.handlers.MemoryHandler", "capacity": 100, "target": "file"}},
	  "root": {"level": "DEBUG", "handlers": ["mem"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.Logger("a").Info("buffered")
	if got := readFile(t, path); got != "" {
		t.Fatalf("written before Flush: %q", got)
	}
	if err := l.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); !strings.Contains(got, "buffered") {
		t.Fatalf("not written by Flush: %q", got)
	}
}
