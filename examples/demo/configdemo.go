package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/slogx/handlers/config"
)

// demoConfig loads a Python logging.config.dictConfig document, as a Python service has it,
// and shows where each logger's records went.
func demoConfig(out io.Writer, dir string) error {
	doc := `
version: 1
formatters:
  plain: {format: "%(levelname)-8s %(name)s: %(message)s"}
handlers:
  app:
    class: logging.handlers.RotatingFileHandler
    filename: ${DEMO_DIR}/app.log
    maxBytes: 1048576
    backupCount: 3
    formatter: plain
  errors:
    class: logging.FileHandler
    filename: ${DEMO_DIR}/errors.log
    level: ERROR
    formatter: plain
loggers:
  app:         {level: DEBUG, handlers: [app]}
  app.db.pool: {level: WARNING}
root: {level: INFO, handlers: [errors]}
`
	dir = filepath.Join(dir, "config")
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	os.Setenv("DEMO_DIR", dir)
	l, err := config.Parse([]byte(doc))
	if err != nil {
		return err
	}
	l.Logger("app").Debug("starting")
	l.Logger("app.db").Info("connected")
	l.Logger("app.db.pool").Info("pool grown") // below app.db.pool's WARNING
	l.Logger("app.db.pool").Error("pool exhausted")
	l.Logger("other").Warn("not an error") // root only, below errors' ERROR
	if err := l.Flush(context.Background()); err != nil {
		return err
	}
	if err := l.Close(); err != nil {
		return err
	}
	for _, f := range []string{"app.log", "errors.log"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s:\n", f)
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			fmt.Fprintf(out, "  | %s\n", line)
		}
	}
	return nil
}
