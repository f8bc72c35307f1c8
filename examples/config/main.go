// Command config loads a Python logging.config.dictConfig document with config.LoadWith and
// logs through a few loggers of its hierarchy. logging.yaml is a document as a Python
// service has it, so that the files written can be compared with what CPython writes;
// production.yaml describes a whole production setup (console, rotating JSON file behind a
// queue, OpenTelemetry, a sampled access log, request ids from the context).
//
//	go run ./examples/config [-config examples/config/production.yaml]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/slogx/handlers/config"
)

func main() {
	path := flag.String("config", "examples/config/logging.yaml", "dictConfig document (YAML or JSON)")
	flag.Parse()
	if err := run(*path); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// requestID is the context key of the request id the "request" context function reads.
type requestID struct{}

// registry holds what the documents may name beyond the built-in classes: here the
// "request" context function of production.yaml.
func registry() *config.Registry {
	r := config.NewRegistry()
	r.RegisterContext("request", func(ctx context.Context) []slog.Attr {
		if id, ok := ctx.Value(requestID{}).(string); ok {
			return []slog.Attr{slog.String("request", id)}
		}
		return nil
	})
	return r
}

// run loads the document, logs, and closes every handler the document opened.
func run(path string) error {
	l, err := config.LoadWith(path, config.Options{Registry: registry()})
	if err != nil {
		return err
	}
	defer l.Close()
	ctx := context.WithValue(context.Background(), requestID{}, "r-1")

	log := l.Logger("app")
	log.DebugContext(ctx, "starting", "pid", os.Getpid()) // logging.yaml: app is at DEBUG: app.log only
	log.InfoContext(ctx, "listening", "port", 8080)       // app.log and, through root, the console

	db := l.Logger("app.db")
	db.InfoContext(ctx, "connected", "host", "db1") // app.log, db.log (its filter passes app.db), console

	l.Logger("app.db.pool").InfoContext(ctx, "pool grown") // app.db.pool is at WARNING: dropped
	l.Logger("app.db.pool").ErrorContext(ctx, "pool exhausted", "size", 10)

	l.Logger("urllib3").Warn("retrying") // does not propagate; below errors.log's ERROR: dropped
	l.Logger("urllib3").Error("connection refused")

	for range 20 { // production.yaml: the first 10 pass, then 1 in 100
		l.Logger("app.access").InfoContext(ctx, "GET /health 200")
	}
	return l.Flush(ctx)
}
