package config_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/slogx/handlers/config"
	"github.com/slogx/handlers/slogx"
)

// A Python dictConfig document, as logging.config.dictConfig reads it, drives slog loggers.
func Example() {
	l, err := config.Parse([]byte(`
version: 1
formatters:
  brief:
    format: "%(levelname)-8s %(name)s: %(message)s"
handlers:
  console:
    class: logging.StreamHandler
    stream: ext://sys.stdout
    formatter: brief
loggers:
  app.db:
    level: DEBUG
root:
  level: INFO
  handlers: [console]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()

	l.Logger("app.db").Debug("connected")   // app.db is at DEBUG and propagates to root's console
	l.Logger("app.http").Debug("not shown") // app.http inherits root's INFO
	l.Logger("app.http").Warn("slow request")
	l.Logger("").Info("from the root logger")
	// Output:
	// DEBUG    app.db: connected
	// WARNING  app.http: slow request
	// INFO     root: from the root logger
}

// Errors name the place in the document and what was wanted.
func ExampleParse_error() {
	_, err := config.Parse([]byte(`{"version": 1, "handlers": {"rot": {
		"class": "logging.handlers.RotatingFileHandler", "filename": "app.log", "maxBytes": "10MB"}}}`))
	fmt.Println(err)
	// Output:
	// config: handlers.rot.maxBytes: want an integer, got "10MB"
}

// Keys CPython ignores (gunicorn's qualname) load with a warning; Strict refuses them.
func ExampleParseWith() {
	doc := []byte(`{"version": 1, "loggers": {"gunicorn.error": {"level": "INFO", "qualname": "gunicorn.error"}}}`)
	l, err := config.ParseWith(doc, config.Options{OnWarning: func(err error) { fmt.Println("warning:", err) }})
	if err != nil {
		fmt.Println(err)
		return
	}
	l.Close()
	_, err = config.ParseWith(doc, config.Options{Strict: true})
	fmt.Println(err)
	// Output:
	// warning: config: loggers.gunicorn.error.qualname: ignored, as CPython ignores it for a logger
	// config: loggers.gunicorn.error.qualname: unknown key for a logger (CPython ignores it; Options.Strict refuses it)
}

// A Formatter subclass that only adds a field — Django's ServerFormatter, whose
// {server_time} is formatTime's "07/Dec/2026 01:44:25,123" — registered as a "()" factory.
func ExampleRegistry_RegisterFormatter() {
	r := config.NewRegistry()
	r.RegisterFormatter("django.utils.log.ServerFormatter", func(a *config.Args) (slogx.Encoder, error) {
		format, err := config.PercentFormat(a.String("fmt", ""), a.String("style", "%"))
		if err != nil {
			return nil, err
		}
		format = strings.ReplaceAll(format, "%(server_time)s", "%(asctime)s,%(msecs)03d")
		return slogx.Pattern(format, a.String("datefmt", "%d/%b/%Y %H:%M:%S"))
	})
	l, err := r.Parse([]byte(`{"version": 1,
	  "formatters": {"server": {"()": "django.utils.log.ServerFormatter", "format": "{levelname} {message}", "style": "{"}},
	  "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "server"}},
	  "root": {"level": "INFO", "handlers": ["console"]}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	l.Logger("django.server").Info(`"GET / HTTP/1.1" 200`)
	// Output:
	// INFO "GET / HTTP/1.1" 200
}

// Django's RequireDebugFalse filter, registered as a "()" factory.
func ExampleRegistry_RegisterFilter() {
	const debug = false
	r := config.NewRegistry()
	r.RegisterFilter("django.utils.log.RequireDebugFalse", func(a *config.Args) (config.Filter, error) {
		return func(context.Context, string, slog.Record) bool { return !debug }, nil
	})
	l, err := r.Parse([]byte(`{"version": 1,
	  "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
	  "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "filters": ["require_debug_false"]}},
	  "root": {"handlers": ["console"]}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	l.Logger("django.request").Error("Internal Server Error: /")
	// Output:
	// Internal Server Error: /
}

// A logger tree gets the attributes a registered function finds in the log call's context.
func ExampleRegistry_RegisterContext() {
	type requestID struct{}
	r := config.NewRegistry()
	r.RegisterContext("request", func(ctx context.Context) []slog.Attr {
		if id, ok := ctx.Value(requestID{}).(string); ok {
			return []slog.Attr{slog.String("request", id)}
		}
		return nil
	})
	l, err := r.Parse([]byte(`
version: 1
formatters: {f: {format: "%(name)s %(message)s %(attrs)s"}}
handlers: {console: {class: logging.StreamHandler, stream: "ext://sys.stdout", formatter: f}}
loggers: {app: {level: INFO, handlers: [console], context: request}}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	ctx := context.WithValue(context.Background(), requestID{}, "r-42")
	l.Logger("app.http").InfoContext(ctx, "served")
	// Output:
	// app.http served logger=app.http request=r-42
}

// Levels change at run time: a logger and its descendants, from the next log call on.
func ExampleLogging_SetLevel() {
	l, err := config.Parse([]byte(`{"version": 1,
	  "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
	  "loggers": {"app": {"level": "INFO"}},
	  "root": {"handlers": ["console"]}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	db := l.Logger("app.db")
	db.Debug("not shown")
	l.SetLevel("app", slog.LevelDebug)
	db.Debug("shown")
	for _, lv := range l.Levels() {
		fmt.Println(lv.Logger, lv.Level, lv.Effective)
	}
	// Output:
	// shown
	// root WARN WARN
	// app DEBUG DEBUG
}

// An incremental document changes the levels of a running configuration.
func ExampleLogging_Apply() {
	l, err := config.Parse([]byte(`{"version": 1,
	  "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "level": "WARNING"}},
	  "root": {"level": "INFO", "handlers": ["console"]}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	l.Logger("app").Info("not shown: the handler is at WARNING")
	err = l.Apply([]byte(`{"version": 1, "incremental": true, "handlers": {"console": {"level": "INFO"}}}`))
	fmt.Println(err)
	l.Logger("app").Info("shown")
	// Output:
	// <nil>
	// shown
}

// The loggers' levels over HTTP, for operators: GET lists them, PUT changes one.
func ExampleLogging_LevelHandler() {
	l, err := config.Parse([]byte(`{"version": 1, "loggers": {"app.db": {"level": "INFO"}}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	srv := httptest.NewServer(l.LevelHandler()) // mount it where only operators reach it
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPut, srv.URL, strings.NewReader(`{"logger":"app.db","level":"DEBUG"}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	io.Copy(os.Stdout, resp.Body)
	resp.Body.Close()
	resp, err = http.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	io.Copy(os.Stdout, resp.Body)
	resp.Body.Close()
	// Output:
	// {"logger":"app.db","level":"DEBUG","effective":"DEBUG"}
	// {"loggers":[{"logger":"root","level":"WARNING","effective":"WARNING"},{"logger":"app.db","level":"DEBUG","effective":"DEBUG"}]}
}

// Python's '{' and '$' styles, as the '%' style slogx.Pattern reads.
func ExamplePercentFormat() {
	f, _ := config.PercentFormat("[{levelname:<8}] {name}: {message}", "{")
	fmt.Println(f)
	f, _ = config.PercentFormat("$levelname ${name}: $message costs $$5", "$")
	fmt.Println(f)
	// Output:
	// [%(levelname)-8s] %(name)s: %(message)s
	// %(levelname)s %(name)s: %(message)s costs $5
}

// logging.Formatter(fmt, datefmt, style) as an encoder, for formatter factories.
func ExampleNewFormatter() {
	enc, err := config.NewFormatter("{levelname}:{name}:{message}", "", "{")
	if err != nil {
		fmt.Println(err)
		return
	}
	log := slog.New(slogx.NewHandler(os.Stdout, &slogx.Options{Encoder: enc})).With(slogx.LoggerKey, "app")
	log.Warn("disk almost full")
	// Output:
	// WARNING:app:disk almost full
}

// A handler factory gets the entry's keyword arguments and its "." properties.
func ExampleRegistry_Register() {
	r := config.NewRegistry()
	r.Register("myapp.Prefixed", func(a *config.Args, opts *slogx.Options) (slog.Handler, error) {
		prefix := a.String("prefix", "")
		if a.Properties().Bool("loud", false) {
			prefix = strings.ToUpper(prefix)
		}
		o := *opts
		o.Encoder = slogx.MustPattern(prefix+"%(message)s", "")
		return slogx.NewHandler(os.Stdout, &o), a.Err()
	})
	l, err := r.Parse([]byte(`{"version": 1,
	  "handlers": {"p": {"()": "myapp.Prefixed", "prefix": "app: ", ".": {"loud": true}}},
	  "root": {"handlers": ["p"]}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	l.Logger("x").Warn("disk almost full")
	// Output:
	// APP: disk almost full
}

// The keys a load ignored, for a program that reports them its own way.
func ExampleLogging_Warnings() {
	l, err := config.ParseWith([]byte(`{"version": 1, "loggers": {"gunicorn.access": {"qualname": "gunicorn.access"}}}`),
		config.Options{OnWarning: func(error) {}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	fmt.Println(l.Warnings())
	// Output:
	// [config: loggers.gunicorn.access.qualname: ignored, as CPython ignores it for a logger]
}

// A document larger than Options.MaxSize is refused before it is read.
func ExampleLoadWith() {
	dir, _ := os.MkdirTemp("", "config")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "logging.json")
	os.WriteFile(path, []byte(`{"version": 1, "root": {"level": "INFO"}}`), 0o644)
	_, err := config.LoadWith(path, config.Options{MaxSize: 16})
	fmt.Println(strings.ReplaceAll(err.Error(), dir, "DIR"))
	// Output:
	// config: DIR/logging.json: the document has 41 bytes, more than the limit of 16 (Options.MaxSize)
}
