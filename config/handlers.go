package config

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/slogx/handlers/slogx"
)

// An opener opens a handler whose arguments were all read and checked.
type opener func() (slog.Handler, error)

// A class reads a handlers entry's keyword arguments (recording errors in the Args) and
// returns how to open the handler. Nothing is opened before every key was read and checked.
type class func(c *hctx) opener

// handlerClasses are the built-in classes, by the name a document gives in "class" or "()".
var handlerClasses = map[string]class{
	"logging.StreamHandler":                     streamHandler,
	"logging.FileHandler":                       fileHandler,
	"logging.NullHandler":                       nullHandler,
	"logging.handlers.WatchedFileHandler":       watchedFileHandler,
	"logging.handlers.RotatingFileHandler":      rotatingFileHandler,
	"logging.handlers.TimedRotatingFileHandler": timedRotatingFileHandler,
	"logging.handlers.SocketHandler":            socketHandler,
	"logging.handlers.DatagramHandler":          datagramHandler,
	"logging.handlers.SysLogHandler":            sysLogHandler,
	"logging.handlers.SMTPHandler":              smtpHandler,
	"logging.handlers.HTTPHandler":              httpHandler,
	"logging.handlers.MemoryHandler":            memoryHandler,
	"logging.handlers.QueueHandler":             queueHandler,
	"logging.handlers.NTEventLogHandler":        ntEventLogHandler,
	"slogx.rotate.Size":                         slogxSize,
	"slogx.rotate.Timed":                        slogxTimed,
	"slogx.netsink.Syslog":                      slogxSyslog,
	"slogx.netsink.Forward":                     slogxForward,
	"slogx.netsink.OTLP":                        slogxOTLP,
	"slogx.queue.Queue":                         slogxQueue,
}

// hctx is what a class sees of the handlers entry being built: its keyword arguments,
// the slogx options made of its level and formatter, and the other handlers.
type hctx struct {
	*Args
	opts *slogx.Options
	set  *handlerSet
}

// handler resolves a reference to another handler at key, building it first if needed.
func (c *hctx) handler(key, name string) slog.Handler {
	h, err := c.set.get(name)
	if err != nil {
		if _, ok := err.(refError); ok {
			c.Errorf(key, "%v", err)
		} else if c.err == nil {
			c.err = err
		}
		return nil
	}
	return h
}

// refError is an unknown or cyclic handler reference, reported at the referring key.
type refError string

func (e refError) Error() string { return string(e) }

// handlerSet builds the handlers section: each entry once, on demand, so that a handler
// another one refers to (a MemoryHandler's target, a QueueHandler's handlers) is built first.
type handlerSet struct {
	entries  map[string]any
	encoders map[string]slogx.Encoder
	filters  map[string]string
	reg      *Registry
	classes  map[string]class // handlerClasses (a field, to break the initialization cycle)
	built    map[string]slog.Handler
	stack    []string // entries being built, for cycles
	order    []slog.Handler
}

// get returns the handler named name, building it if it was not yet.
func (s *handlerSet) get(name string) (slog.Handler, error) {
	if h, ok := s.built[name]; ok {
		return h, nil
	}
	if i := slices.Index(s.stack, name); i >= 0 {
		return nil, refError("cycle: " + strings.Join(append(s.stack[i:], name), " -> "))
	}
	if _, ok := s.entries[name]; !ok {
		return nil, refError("unknown handler " + quote(name))
	}
	s.stack = append(s.stack, name)
	h, err := s.build(name)
	s.stack = s.stack[:len(s.stack)-1]
	if err != nil {
		return nil, err
	}
	s.built[name] = h
	s.order = append(s.order, h)
	return h, nil
}

// build reads one handlers entry and opens its handler.
func (s *handlerSet) build(name string) (slog.Handler, error) {
	path := "handlers." + name
	m, ok := s.entries[name].(map[string]any)
	if !ok {
		return nil, errorf(path, "want a mapping, got %s", describe(s.entries[name]))
	}
	c := &hctx{Args: newArgs(path, m), set: s}
	className, classKey := c.String("class", ""), "class"
	if c.Has("()") {
		className, classKey = c.String("()", ""), "()"
	} else if className == "" && c.err == nil {
		return nil, c.Errorf("class", "required")
	}
	c.opts = &slogx.Options{Level: c.handlerLevel("level"), Encoder: s.encoder(c)}
	filters := s.filterNames(c)
	if c.err != nil {
		return nil, c.err
	}
	var h slog.Handler
	var err error
	if cl, ok := s.classes[className]; ok {
		h, err = s.open(c, className, cl)
	} else if f, ok := s.reg.lookup(className); ok {
		h, err = s.openFactory(c, className, f)
	} else {
		return nil, c.Errorf(classKey, "unknown handler class %q", className)
	}
	if err != nil {
		return nil, err
	}
	if len(filters) > 0 {
		h = newNameFilter(h, filters)
	}
	return h, nil
}

func (s *handlerSet) open(c *hctx, className string, cl class) (slog.Handler, error) {
	open := cl(c)
	if err := c.finish(className); err != nil {
		return nil, err
	}
	h, err := open()
	if err != nil {
		return nil, fmt.Errorf("config: %s: %s: %w", c.path, className, err)
	}
	return h, nil
}

// openFactory calls a registered factory; a key it did not read closes what it made.
func (s *handlerSet) openFactory(c *hctx, className string, f Factory) (slog.Handler, error) {
	h, err := f(c.Args, c.opts)
	if ferr := c.finish(className); ferr != nil {
		err = ferr
	} else if err != nil {
		err = fmt.Errorf("config: %s: %s: %w", c.path, className, err)
	} else if h == nil {
		err = errorf(c.path, "%s: the factory returned no handler", className)
	}
	if err != nil {
		if h != nil {
			slogx.Close(h)
		}
		return nil, err
	}
	return h, nil
}

// encoder resolves the entry's formatter (Python's default formatter when absent).
func (s *handlerSet) encoder(c *hctx) slogx.Encoder {
	name := c.String("formatter", "")
	if !c.Has("formatter") {
		return defaultEncoder()
	}
	enc, ok := s.encoders[name]
	if !ok {
		c.Errorf("formatter", "unknown formatter %q", name)
		return nil
	}
	return enc
}

// filterNames resolves the entry's filters to the logger-name prefixes they pass.
func (s *handlerSet) filterNames(c *hctx) []string {
	return resolveFilters(c.Args, "filters", s.filters)
}

// resolveFilters reads a list of filter names at key and returns their prefixes.
func resolveFilters(a *Args, key string, known map[string]string) []string {
	names := a.Strings(key)
	out := make([]string, 0, len(names))
	for i, n := range names {
		prefix, ok := known[n]
		if !ok {
			a.Errorf(key+"["+itoa(i)+"]", "unknown filter %q", n)
			return nil
		}
		out = append(out, prefix)
	}
	return out
}
