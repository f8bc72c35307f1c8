package config

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"

	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

// Logging is a loaded configuration: the handlers it opened and the logger tree. It is safe
// for concurrent use. Close it to release the files and connections it holds.
type Logging struct {
	handlers   map[string]handlerEntry // by name in the document
	order      []slog.Handler          // build order: a handler after those it wraps
	lastResort slog.Handler
	warnings   []error
	opts       Options // what it was loaded with, for Apply

	mu      sync.Mutex
	loggers map[string]*loggerConf // "" is root; SetLevel and Apply change levels
	cache   map[string]*cachedLogger

	closeOnce sync.Once
	closeErr  error
}

// cachedLogger is a logger handed out by Logger, with its effective level, which SetLevel
// and Apply update in place.
type cachedLogger struct {
	lg    *slog.Logger
	level *slog.LevelVar
}

// handlerEntry is a built handler: as the document describes it (h, with its filters) and
// without its filters (inner), which loggers use after deciding the name filters once;
// perRecord is set when a registered filter must see every record (then loggers use h).
type handlerEntry struct {
	h         slog.Handler
	inner     slog.Handler
	filters   []string
	perRecord bool
	level     *slog.LevelVar
}

// Logger returns the logger called name ("" or "root" is the root logger; dotted names
// form Python's hierarchy). Its records carry the logger name as the slogx.LoggerKey
// attribute (Pattern's %(name)s) and go, as in Python, to the handlers of the logger and
// of its ancestors while propagate is true, each handler applying its own level and
// filters, if the level is at least the logger's effective level (its own, or the nearest
// configured ancestor's; root's default is WARNING). The hierarchy is resolved here, once
// per name: logging costs the handlers' work, one atomic load for the level, and nothing
// per ancestor. A logger with no handler on its chain writes WARNING and above to standard
// error, as Python's lastResort. Logger returns the same *slog.Logger for the same name.
func (l *Logging) Logger(name string) *slog.Logger {
	name = canonical(name)
	l.mu.Lock()
	defer l.mu.Unlock()
	if c, ok := l.cache[name]; ok {
		return c.lg
	}
	lv := new(slog.LevelVar)
	lv.Set(l.effective(name))
	c := &cachedLogger{lg: slog.New(l.resolve(name, lv)), level: lv}
	l.cache[name] = c
	return c.lg
}

// Handler returns the handler the document calls name, or nil if there is none. It applies
// the entry's level, formatter and filters; the filters read the logger name from the
// slogx.LoggerKey attribute ("root" without one). The Logging owns it: do not close it.
func (l *Logging) Handler(name string) slog.Handler {
	if e, ok := l.handlers[name]; ok {
		return borrowed{e.h}
	}
	return nil
}

// Warnings returns the keys the document had that CPython ignores and so did the load
// (see Options.Strict), one error each naming its place, in the order they were found.
func (l *Logging) Warnings() []error { return append([]error(nil), l.warnings...) }

// Flush flushes every handler that buffers (network handlers, memory and queue handlers)
// and returns their errors joined, or ctx's error if ctx ends first.
func (l *Logging) Flush(ctx context.Context) error {
	var errs []error
	for _, h := range l.order {
		errs = append(errs, slogx.Flush(ctx, h))
	}
	return errors.Join(errs...)
}

// Close closes every handler the configuration opened, once, wrappers (memory, queue)
// before the handlers they deliver to, so what they buffer is written first. It returns
// the errors joined; later calls return the same result. Loggers obtained before keep
// working but their handlers drop records (slogx.ErrClosed).
func (l *Logging) Close() error {
	l.closeOnce.Do(func() {
		var errs []error
		for i := len(l.order) - 1; i >= 0; i-- {
			errs = append(errs, slogx.Close(l.order[i]))
		}
		l.closeErr = errors.Join(errs...)
	})
	return l.closeErr
}

// newLastResort is Python's logging.lastResort: WARNING and above, "%(message)s", to
// standard error.
func newLastResort() slog.Handler {
	return sinks.NewStream(os.Stderr, &slogx.Options{Level: slog.LevelWarn, Encoder: defaultEncoder()})
}
