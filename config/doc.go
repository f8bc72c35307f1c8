// Package config builds slog loggers and slogx handlers from a Python logging.config.dictConfig
// document (schema version 1, as CPython 3.11 reads it), in JSON or YAML, so that a logging
// setup moves from a Python service to a Go one unchanged.
//
//	l, err := config.Load("logging.yaml")
//	if err != nil {
//		return err
//	}
//	defer l.Close()
//	log := l.Logger("app.db")
//	log.Info("connected", "host", host)
package config
