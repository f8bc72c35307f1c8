// Command config loads a Python logging.config.dictConfig document (logging.yaml by
// default) with config.Load and logs through a few loggers of its hierarchy, so that the
// files it writes can be compared with what CPython writes for the same document.
//
//	go run ./examples/config [-config examples/config/logging.yaml]
package main

import (
	"context"
	"flag"
	"fmt"
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

// run loads the document, logs, and closes every handler the document opened.
func run(path string) error {
	l, err := config.Load(path)
	if err != nil {
		return err
	}
	defer l.Close()

	log := l.Logger("app")
	log.Debug("starting", "pid", os.Getpid()) // app is at DEBUG: app.log only
	log.Info("listening", "port", 8080)       // app.log and, through root, the console

	db := l.Logger("app.db")
	db.Info("connected", "host", "db1") // app.log, db.log (its filter passes app.db), console

	l.Logger("app.db.pool").Info("pool grown") // app.db.pool is at WARNING: dropped
	l.Logger("app.db.pool").Error("pool exhausted", "size", 10)

	l.Logger("urllib3").Warn("retrying") // does not propagate; below errors.log's ERROR: dropped
	l.Logger("urllib3").Error("connection refused")

	return l.Flush(context.Background())
}
