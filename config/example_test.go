package config_test

import (
	"fmt"

	"github.com/slogx/handlers/config"
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
