package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMalformed checks the exact error of each malformed document: it names the place and
// says what was wanted.
func TestMalformed(t *testing.T) {
	dir := t.TempDir()
	file := `"class": "logging.FileHandler", "filename": "` + filepath.Join(dir, "f.log") + `"`
	// A name starting with "strict" is loaded with Options.Strict: the keys CPython
	// ignores are errors.
	cases := []struct{ name, doc, want string }{
		{"not a document", `[1, 2]`, `config: the document must be a mapping, got a list`},
		{"bad JSON", `{"version": 1,}`, `config: JSON: invalid character '}' looking for beginning of object key string`},
		{"no version", `{"handlers": {}}`, `config: version: required (version: 1)`},
		{"version 2", `{"version": 2}`, `config: version: unsupported version 2 (want 1)`},
		{"version string", `{"version": "1"}`, `config: version: want an integer, got "1"`},
		{"incremental", `{"version": 1, "incremental": true}`, `config: incremental: an incremental document changes a loaded configuration: use (*Logging).Apply`},
		{"strict unknown top key", `{"version": 1, "handler": {}}`, `config: handler: unknown top-level key: no cfg:// reference reads it (CPython ignores it; Options.Strict refuses it)`},
		{"negative maxAge", `{"version": 1, "handlers": {"r": {"class": "slogx.rotate.Size", "filename": "` + filepath.Join(dir, "r.log") + `", "maxAge": -1}}}`, `config: handlers.r.maxAge: want a number of seconds from 0 to 3162240000 (a century), got -1`},
		{"section not a mapping", `{"version": 1, "handlers": []}`, `config: handlers: want a mapping, got a list`},
		{"maxBytes string", `{"version": 1, "handlers": {"rot": {"class": "logging.handlers.RotatingFileHandler", "filename": "x.log", "maxBytes": "10MB"}}}`,
			`config: handlers.rot.maxBytes: want an integer, got "10MB"`},
		{"unknown class", `{"version": 1, "handlers": {"h": {"class": "logging.handlers.KafkaHandler"}}}`,
			`config: handlers.h.class: unknown handler class "logging.handlers.KafkaHandler": register a config.Factory with config.Register("logging.handlers.KafkaHandler", f) (or Registry.Register) before loading`},
		{"no class", `{"version": 1, "handlers": {"h": {"level": "INFO"}}}`, `config: handlers.h.class: required`},
		{"unknown key", `{"version": 1, "handlers": {"h": {` + file + `, "maxbytes": 10}}}`,
			`config: handlers.h.maxbytes: unknown key for logging.FileHandler`},
		{"unknown formatter", `{"version": 1, "handlers": {"h": {` + file + `, "formatter": "brief"}}}`,
			`config: handlers.h.formatter: unknown formatter "brief"`},
		{"unknown filter", `{"version": 1, "handlers": {"h": {` + file + `, "filters": ["x"]}}}`,
			`config: handlers.h.filters[0]: unknown filter "x"`},
		{"bad level", `{"version": 1, "handlers": {"h": {` + file + `, "level": "debg"}}}`,
			`config: handlers.h.level: want a level name (DEBUG, INFO, WARNING, ERROR, CRITICAL, NOTSET, in any case) or Python's number, got "debg"`},
		{"bad mode", `{"version": 1, "handlers": {"h": {` + file + `, "mode": "r"}}}`,
			`config: handlers.h.mode: want one of a, w, got "r"`},
		{"bad encoding", `{"version": 1, "handlers": {"h": {` + file + `, "encoding": "latin-1"}}}`,
			`config: handlers.h.encoding: only utf-8 is supported, got "latin-1"`},
		{"missing filename", `{"version": 1, "handlers": {"h": {"class": "logging.FileHandler"}}}`,
			`config: handlers.h.filename: required`},
		{"bad stream", `{"version": 1, "handlers": {"h": {"class": "logging.StreamHandler", "stream": "ext://sys.stdin"}}}`,
			`config: handlers.h.stream: want ext://sys.stderr or ext://sys.stdout, got "ext://sys.stdin"`},
		{"bad when", `{"version": 1, "handlers": {"h": {"class": "logging.handlers.TimedRotatingFileHandler", "filename": "t.log", "when": "fortnight"}}}`,
			`config: handlers.h.when: want one of S, M, H, D, MIDNIGHT, W0..W6, got "fortnight"`},
		{"bad atTime", `{"version": 1, "handlers": {"h": {"class": "logging.handlers.TimedRotatingFileHandler", "filename": "t.log", "atTime": "25:00"}}}`,
			`config: handlers.h.atTime: want a time of day "HH:MM" or "HH:MM:SS", got "25:00"`},
		{"socket without port", `{"version": 1, "handlers": {"h": {"class": "logging.handlers.SocketHandler", "host": "/tmp/sock"}}}`,
			`config: handlers.h.port: required (unix sockets are not supported; use a port)`},
		{"syslog address", `{"version": 1, "handlers": {"h": {"class": "logging.handlers.SysLogHandler", "address": ["localhost"]}}}`,
			`config: handlers.h.address: want [host, port] or a socket path, got ["localhost"]`},
		{"syslog facility", `{"version": 1, "handlers": {"h": {"class": "logging.handlers.SysLogHandler", "facility": "local9"}}}`,
			`config: handlers.h.facility: want a facility name (user, local0, ...) or number 1..23, got "local9"`},
		{"smtp clear credentials", `{"version": 1, "handlers": {"h": {"class": "logging.handlers.SMTPHandler", "mailhost": "localhost", "fromaddr": "a@b.c", "toaddrs": "d@e.f", "subject": "s", "credentials": ["u", "p"]}}}`,
			`config: handlers.h.credentials: would be sent in clear text: add secure: [] (STARTTLS)`},
		{"smtp no toaddrs", `{"version": 1, "handlers": {"h": {"class": "logging.handlers.SMTPHandler", "mailhost": "localhost", "fromaddr": "a@b.c", "subject": "s"}}}`,
			`config: handlers.h.toaddrs: required`},
		{"http clear credentials", `{"version": 1, "handlers": {"h": {"class": "logging.handlers.HTTPHandler", "host": "localhost", "url": "/log", "credentials": ["u", "p"]}}}`,
			`config: handlers.h.credentials: would be sent in clear text: add secure: true (https)`},
		{"http method", `{"version": 1, "handlers": {"h": {"class": "logging.handlers.HTTPHandler", "host": "localhost", "url": "/log", "method": "PUT"}}}`,
			`config: handlers.h.method: want one of GET, POST, got "PUT"`},
		{"memory capacity", `{"version": 1, "handlers": {"m": {"class": "logging.handlers.MemoryHandler"}}}`,
			`config: handlers.m.capacity: want an integer from 1 to 1048576 (records held in memory)`},
		{"memory target", `{"version": 1, "handlers": {"m": {"class": "logging.handlers.MemoryHandler", "capacity": 10, "target": "nope"}}}`,
			`config: handlers.m.target: unknown handler "nope"`},
		{"cycle", `{"version": 1, "handlers": {"a": {"class": "logging.handlers.MemoryHandler", "capacity": 1, "target": "b"}, "b": {"class": "logging.handlers.MemoryHandler", "capacity": 1, "target": "a"}}}`,
			`config: handlers.b.target: cycle: a -> b -> a`},
		{"queue without handlers", `{"version": 1, "handlers": {"q": {"class": "logging.handlers.QueueHandler"}}}`,
			`config: handlers.q.handlers: want a non-empty list of handler names`},
		{"queue overflow", `{"version": 1, "handlers": {"n": {"class": "logging.NullHandler"}, "q": {"class": "slogx.queue.Queue", "handlers": ["n"], "overflow": "drop"}}}`,
			`config: handlers.q.overflow: want one of block, drop-newest, drop-oldest, got "drop"`},
		{"formatter unknown field", `{"version": 1, "formatters": {"f": {"format": "%(levelnam)s %(message)s"}}}`,
			`config: formatters.f.format: format "%(levelnam)s %(message)s": unknown field "levelnam"`},
		{"formatter no field", `{"version": 1, "formatters": {"f": {"format": "hello"}}}`,
			`config: formatters.f.format: invalid format "hello" for "%" style (it names no field)`},
		{"formatter style", `{"version": 1, "formatters": {"f": {"format": "%(message)s", "style": "#"}}}`,
			`config: formatters.f.style: want one of %, {, $, got "#"`},
		{"formatter class", `{"version": 1, "formatters": {"f": {"class": "pythonjsonlogger.jsonlogger.JsonFormatter"}}}`,
			`config: formatters.f.class: unregistered formatter class "pythonjsonlogger.jsonlogger.JsonFormatter" (built in: logging.Formatter, slogx.Console, slogx.JSON, slogx.Text): register a config.FormatterFactory with config.RegisterFormatter("pythonjsonlogger.jsonlogger.JsonFormatter", f) (or Registry.RegisterFormatter) before loading`},
		{"strict formatter unknown key", `{"version": 1, "formatters": {"f": {"fmt": "%(message)s"}}}`,
			`config: formatters.f.fmt: unknown key for a formatter without "()" (CPython ignores it; Options.Strict refuses it)`},
		{"formatter () format key", `{"version": 1, "formatters": {"f": {"()": "logging.Formatter", "format": "%(message)s", "colour": 1}}}`,
			`config: formatters.f.colour: unknown key for logging.Formatter`},
		{"brace spec", `{"version": 1, "formatters": {"f": {"format": "{levelno:03d}", "style": "{"}}}`,
			`config: formatters.f.format: unsupported field {levelno:03d}: slogx reads {name} and {name:<width} or {name:>width}`},
		{"filter factory", `{"version": 1, "filters": {"f": {"()": "myapp.RequestFilter"}}}`,
			`config: filters.f.(): unregistered filter factory "myapp.RequestFilter": register a config.FilterFactory with config.RegisterFilter("myapp.RequestFilter", f) (or Registry.RegisterFilter) before loading`},
		{"logger handler", `{"version": 1, "loggers": {"app": {"handlers": ["console"]}}}`,
			`config: loggers.app.handlers[0]: unknown handler "console"`},
		{"logger propagate", `{"version": 1, "loggers": {"app": {"propagate": "no"}}}`,
			`config: loggers.app.propagate: want a boolean, got "no"`},
		{"strict logger unknown key", `{"version": 1, "loggers": {"app": {"handler": []}}}`,
			`config: loggers.app.handler: unknown key for a logger (CPython ignores it; Options.Strict refuses it)`},
		{"handler key not an identifier", `{"version": 1, "handlers": {"h": {` + file + `, "max-bytes": 10}}}`,
			`config: handlers.h.max-bytes: not a valid Python identifier (CPython refuses it too: it cannot be a keyword argument)`},
		{"root level", `{"version": 1, "root": {"level": "LOUD"}}`,
			`config: root.level: want a level name (DEBUG, INFO, WARNING, ERROR, CRITICAL, NOTSET, in any case) or Python's number, got "LOUD"`},
		{"env unset", `{"version": 1, "handlers": {"h": {"class": "logging.FileHandler", "filename": "${SLOGX_CONFIG_TEST_UNSET}/app.log"}}}`,
			`config: handlers.h.filename: environment variable SLOGX_CONFIG_TEST_UNSET is not set`},
		{"yaml key", "version: 1\nhandlers:\n  1: {class: logging.NullHandler}\n", `config: handlers: keys must be strings, got 1`},
		{"yaml syntax", "version: 1\nhandlers: [\n", "config: YAML: yaml: line 2: did not find expected node content"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := ParseWith([]byte(c.doc), Options{Strict: strings.HasPrefix(c.name, "strict"), OnWarning: func(error) {}})
			if err == nil {
				l.Close()
				t.Fatalf("no error, want %s", c.want)
			}
			if err.Error() != c.want {
				t.Errorf("error\n got: %s\nwant: %s", err, c.want)
			}
		})
	}
}

// TestLoadNamesFile checks that Load puts the file name in front of the place.
func TestLoadNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logging.yaml")
	os.WriteFile(path, []byte("version: 1\nroot: {level: LOUD}\n"), 0o644)
	_, err := Load(path)
	want := "config: " + path + ": root.level: want a level name"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v, want prefix %s", err, want)
	}
}

// TestFailedLoadClosesWhatItOpened checks that a document failing after some handlers were
// opened closes them (the queue's listener goroutine would leak otherwise).
func TestFailedLoadClosesWhatItOpened(t *testing.T) {
	doc := `{"version": 1, "handlers": {"a": {"class": "logging.NullHandler"}, "b": {"class": "logging.handlers.QueueHandler", "handlers": ["a"]}},
	  "loggers": {"x": {"handlers": ["c"]}}}`
	checkNoLeak(t)
	if _, err := Parse([]byte(doc)); err == nil {
		t.Fatal("no error")
	}
}
