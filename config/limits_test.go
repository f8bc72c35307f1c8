package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocumentSizeLimit: a document over MaxDocumentSize is refused before it is read
// whole (Load) and by Parse; Options.MaxSize changes the limit. Before the limit, Load read
// any size (a 200 MiB document allocated 712 MB).
func TestDocumentSizeLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: 17 MiB that cost no disk. Were it read, it would be an allocation of
	// 17 MiB and a JSON error, not this one.
	if err := f.Truncate(MaxDocumentSize + 1<<20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = Load(path)
	if want := "the document has 17825792 bytes, more than the limit of 16777216 (Options.MaxSize)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Load: %v, want %s", err, want)
	}
	big := append([]byte(`{"version": 1, "x": "`), bytes.Repeat([]byte("a"), 100)...)
	_, err = ParseWith(big, Options{MaxSize: 64})
	if want := "config: the document has 121 bytes, more than the limit of 64 (Options.MaxSize)"; err == nil || err.Error() != want {
		t.Errorf("ParseWith: %v, want %s", err, want)
	}
	// A pipe has no size: the limit stops the read.
	if _, err := os.Stat("/dev/zero"); err == nil {
		_, err = LoadWith("/dev/zero", Options{MaxSize: 1 << 10})
		if want := "larger than the limit of 1024 bytes"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadWith(/dev/zero): %v, want %s", err, want)
		}
	}
}

// TestNumberLimits: numbers no handler can honour are refused at load time (a queue's
// ring is allocated up front, a backup count is walked at every rotation).
func TestNumberLimits(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ entry, want string }{
		{`"class": "logging.handlers.MemoryHandler", "capacity": 1000000000000000000`,
			`config: handlers.h.capacity: want an integer from 1 to 1048576 (records held in memory)`},
		{`"class": "logging.handlers.RotatingFileHandler", "filename": "DIR/r.log", "maxBytes": 10, "backupCount": 1000000000000`,
			`config: handlers.h.backupCount: want an integer from 0 to 100000, got 1000000000000`},
		{`"class": "logging.handlers.TimedRotatingFileHandler", "filename": "DIR/t.log", "backupCount": 1000000000000`,
			`config: handlers.h.backupCount: want an integer from 0 to 100000, got 1000000000000`},
		{`"class": "logging.handlers.TimedRotatingFileHandler", "filename": "DIR/t.log", "when": "D", "interval": 100000000`,
			`config: handlers.h.interval: want an integer from 1 to 36600 (a century of D), got 100000000`},
		{`"class": "slogx.queue.Queue", "handlers": ["n"], "capacity": 1000000000000000000`,
			`config: handlers.h.capacity: want an integer from 0 to 1048576, got 1000000000000000000`},
		{`"class": "logging.handlers.SocketHandler", "host": "127.0.0.1", "port": 70000`,
			`config: handlers.h.port: want a port from 0 to 65535, got 70000`},
		{`"class": "logging.handlers.SMTPHandler", "mailhost": "localhost", "fromaddr": "a@b.c", "toaddrs": "d@e.f", "subject": "s", "timeout": 1e300`,
			`config: handlers.h.timeout: want a number of seconds from 0 to 31622400, got 1e+300`},
	}
	for _, c := range cases {
		doc := `{"version": 1, "handlers": {"n": {"class": "logging.NullHandler"}, "h": {` + strings.ReplaceAll(c.entry, "DIR", dir) + `}}}`
		l, err := Parse([]byte(doc))
		if err == nil {
			l.Close()
			t.Errorf("%s: loaded", c.entry)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("error\n got: %s\nwant: %s", err, c.want)
		}
	}
}
