package config

import (
	"io"
	"log/slog"
	"math"
	"os"
	"strings"
	"time"

	"github.com/slogx/handlers/rotate"
	"github.com/slogx/handlers/sinks"
)

// streamHandler is logging.StreamHandler(stream=sys.stderr).
func streamHandler(c *hctx) opener {
	var w io.Writer
	switch s := c.String("stream", "ext://sys.stderr"); s {
	case "ext://sys.stderr":
		w = os.Stderr
	case "ext://sys.stdout":
		w = os.Stdout
	default:
		c.Errorf("stream", "want ext://sys.stderr or ext://sys.stdout, got %q", s)
	}
	o := *c.opts
	o.Encoder = c.encoderFor(w)
	return func() (slog.Handler, error) { return sinks.NewStream(w, &o), nil }
}

// nullHandler is logging.NullHandler.
func nullHandler(*hctx) opener {
	return func() (slog.Handler, error) { return sinks.Null(), nil }
}

// fileArgs reads FileHandler's filename, mode, encoding, delay and errors.
func fileArgs(c *hctx) (string, sinks.FileOptions) {
	path := c.RequiredString("filename")
	mode := c.OneOf("mode", "a", "a", "w")
	c.encoding()
	return path, sinks.FileOptions{Truncate: mode == "w", Delay: c.Bool("delay", false)}
}

// encoding accepts what Python would write as UTF-8 (encoding and errors keys): slogx writes
// the record's bytes as they are.
func (c *hctx) encoding() {
	if enc := c.String("encoding", ""); c.Has("encoding") {
		n := strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(enc))
		if n != "utf8" && n != "u8" {
			c.Errorf("encoding", "only utf-8 is supported, got %q", enc)
		}
	}
	if e := c.String("errors", "strict"); e != "strict" {
		c.Errorf("errors", "only \"strict\" is supported, got %q", e)
	}
}

// fileHandler is logging.FileHandler(filename, mode='a', encoding=None, delay=False).
func fileHandler(c *hctx) opener {
	path, fo := fileArgs(c)
	return func() (slog.Handler, error) { return sinks.NewFile(path, fo, c.opts) }
}

// watchedFileHandler is logging.handlers.WatchedFileHandler, with FileHandler's arguments.
func watchedFileHandler(c *hctx) opener {
	path, fo := fileArgs(c)
	return func() (slog.Handler, error) { return sinks.NewWatchedFile(path, fo, c.opts) }
}

// sizeArgs reads RotatingFileHandler(filename, mode='a', maxBytes=0, backupCount=0,
// encoding=None, delay=False). Python forces mode 'a' when maxBytes > 0; mode 'w' without
// rotation (a truncating, never rotating file) is refused: use logging.FileHandler.
// delay is accepted, but the file is created at load time. maxBytes with backupCount 0 never
// rotates, as in Python: rotate.NewSize refuses that pair, so MaxBytes is left 0.
func sizeArgs(c *hctx) (string, rotate.SizeOptions) {
	path := c.RequiredString("filename")
	mode := c.OneOf("mode", "a", "a", "w")
	o := rotate.SizeOptions{MaxBytes: int64(c.nonNegative("maxBytes", math.MaxInt64)), BackupCount: c.nonNegative("backupCount", maxBackupCount)}
	if mode == "w" && o.MaxBytes == 0 {
		c.Errorf("mode", "mode 'w' without maxBytes is not supported (use logging.FileHandler)")
	}
	if o.BackupCount == 0 {
		o.MaxBytes = 0
	}
	c.encoding()
	c.Bool("delay", false)
	return path, o
}

// rotatingFileHandler is logging.handlers.RotatingFileHandler.
func rotatingFileHandler(c *hctx) opener {
	path, o := sizeArgs(c)
	return func() (slog.Handler, error) { return rotate.NewSizeHandler(path, o, c.opts) }
}

// slogxSize is slogx.rotate.Size: RotatingFileHandler's arguments plus slogxFiles'.
func slogxSize(c *hctx) opener {
	path, o := sizeArgs(c)
	slogxFiles(c, &o.Files)
	return func() (slog.Handler, error) { return rotate.NewSizeHandler(path, o, c.opts) }
}

// slogxFiles reads what the slogx rotation classes add to Python's arguments: lock,
// compress, and maxAge (seconds, as every duration of a document; 0 keeps every backup).
func slogxFiles(c *hctx, f *rotate.Files) {
	f.Lock = c.Bool("lock", false)
	f.Compress = c.Bool("compress", false)
	if age := c.Float("maxAge", 0); age < 0 || age > maxInterval || age != age {
		c.Errorf("maxAge", "want a number of seconds from 0 to %d (a century), got %v", maxInterval, age)
	} else {
		f.MaxAge = time.Duration(age * float64(time.Second))
	}
}

var timedWhen = []string{"S", "M", "H", "D", "MIDNIGHT", "W0", "W1", "W2", "W3", "W4", "W5", "W6"}

// timedArgs reads TimedRotatingFileHandler(filename, when='h', interval=1, backupCount=0,
// encoding=None, delay=False, utc=False, atTime=None). atTime, a datetime.time in Python,
// is written "HH:MM" or "HH:MM:SS".
func timedArgs(c *hctx) (string, rotate.TimedOptions) {
	path := c.RequiredString("filename")
	when := strings.ToUpper(c.String("when", "h"))
	if c.Has("when") && !contains(timedWhen, when) {
		c.Errorf("when", "want one of S, M, H, D, MIDNIGHT, W0..W6, got %q", c.m["when"])
	}
	interval := c.Int("interval", 1)
	unit, ok := unitSeconds[when]
	if !ok {
		unit = 7 * 86400 // W0..W6
	}
	if interval < 1 || interval > maxInterval/unit {
		c.Errorf("interval", "want an integer from 1 to %d (a century of %s), got %d", maxInterval/unit, when, interval)
	}
	o := rotate.TimedOptions{When: when, Interval: interval, BackupCount: c.nonNegative("backupCount", maxBackupCount),
		UTC: c.Bool("utc", false), AtTime: c.atTime("atTime")}
	c.encoding()
	c.Bool("delay", false)
	return path, o
}

func (c *hctx) atTime(key string) time.Duration {
	s := c.String(key, "")
	if s == "" {
		return 0
	}
	for _, layout := range []string{"15:04:05", "15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
				time.Duration(t.Second())*time.Second
		}
	}
	c.Errorf(key, "want a time of day \"HH:MM\" or \"HH:MM:SS\", got %q", s)
	return 0
}

// timedRotatingFileHandler is logging.handlers.TimedRotatingFileHandler.
func timedRotatingFileHandler(c *hctx) opener {
	path, o := timedArgs(c)
	return func() (slog.Handler, error) { return rotate.NewTimedHandler(path, o, c.opts) }
}

// slogxTimed is slogx.rotate.Timed: TimedRotatingFileHandler's arguments plus slogxFiles'.
func slogxTimed(c *hctx) opener {
	path, o := timedArgs(c)
	slogxFiles(c, &o.Files)
	return func() (slog.Handler, error) { return rotate.NewTimedHandler(path, o, c.opts) }
}

// Limits on the numbers of a document: what the handlers can honour. A backup count is
// walked at every rotation, a capacity is memory (a queue allocates its ring up front), an
// interval must fit in time.Duration; a document asking for more is refused at load time.
const (
	maxBackupCount = 100_000
	maxCapacity    = 1 << 20
	maxInterval    = 100 * 366 * 24 * 3600 // seconds: a century
)

// nonNegative reads an integer from 0 to max at key.
func (c *hctx) nonNegative(key string, max int) int {
	n := c.Int(key, 0)
	if n < 0 || n > max {
		c.Errorf(key, "want an integer from 0 to %d, got %d", max, n)
		return 0
	}
	return n
}

// unitSeconds are the lengths of TimedRotatingFileHandler's when units.
var unitSeconds = map[string]int{"S": 1, "M": 60, "H": 3600, "D": 86400, "MIDNIGHT": 86400}
