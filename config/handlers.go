package config

import (
	"fmt"
	"io"
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
	"slogx.Sample":                              slogxSample,
}

// hctx is what a class sees of the handlers entry being built: its keyword arguments,
// the slogx options made of its level and formatter, and the other handlers.
type hctx struct {
	*Args
	opts *slogx.Options
	fmt  *formatter // nil: Python's default formatter
	set  *handlerSet
}

// encoderFor returns the entry's encoder for a handler writing to w (a Console formatter
// with color auto colors a terminal).
func (c *hctx) encoderFor(w io.Writer) slogx.Encoder {
	if c.fmt == nil {
		return c.opts.Encoder
	}
	return c.fmt.forWriter(w)
}

// handler resolves a reference to another handler at key, building it first if needed.
func (c *hctx) handler(key, name string) slog.Handler {
	bh, err := c.set.get(name)
	if err != nil {
		if _, ok := err.(refError); ok {
			c.Errorf(key, "%v", err)
		} else if c.err == nil {
			c.err = err
		}
		return nil
	}
	return bh.h
}

// refError is an unknown or cyclic handler reference, reported at the referring key.
type refError string

func (e refError) Error() string { return string(e) }

// builtHandler is an opened handlers entry and the level Logging.Apply changes.
type builtHandler struct {
	h     slog.Handler
	level *slog.LevelVar
}

// handlerSet builds the handlers section: each entry once, on demand, so that a handler
// another one refers to (a MemoryHandler's target, a QueueHandler's handlers) is built first.
type handlerSet struct {
	entries    map[string]any
	formatters map[string]*formatter
	filters    map[string]filterSpec
	b          *builder
	classes    map[string]class // handlerClasses (a field, to break the initialization cycle)
	built      map[string]*builtHandler
	stack      []string // entries being built, for cycles
	order      []slog.Handler
}

// get returns the handler named name, building it if it was not yet.
func (s *handlerSet) get(name string) (*builtHandler, error) {
	if bh, ok := s.built[name]; ok {
		return bh, nil
	}
	if i := slices.Index(s.stack, name); i >= 0 {
		return nil, refError("cycle: " + strings.Join(append(s.stack[i:], name), " -> "))
	}
	if _, ok := s.entries[name]; !ok {
		return nil, refError("unknown handler " + quote(name))
	}
	s.stack = append(s.stack, name)
	bh, err := s.build(name)
	s.stack = s.stack[:len(s.stack)-1]
	if err != nil {
		return nil, err
	}
	s.built[name] = bh
	s.order = append(s.order, bh.h)
	return bh, nil
}

// build reads one handlers entry and opens its handler, as configure_handler does: every
// key must be a Python identifier, and "." sets properties (terminator, for the built-in
// classes) after it is made.
func (s *handlerSet) build(name string) (*builtHandler, error) {
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
	level := new(slog.LevelVar)
	level.Set(c.handlerLevel("level"))
	c.fmt = s.formatter(c)
	c.opts = &slogx.Options{Level: level, Encoder: defaultEncoder()}
	if c.fmt != nil {
		c.opts.Encoder = c.fmt.enc
	}
	prefixes, fns := s.filterList(c.Args, "filters")
	for _, k := range sortedKeys(m) {
		if k != "." && k != "()" && !isIdentifier(k) {
			return nil, c.Errorf(k, "not a valid Python identifier (CPython refuses it too: it cannot be a keyword argument)")
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	var h slog.Handler
	var err error
	if cl, ok := s.classes[className]; ok {
		h, err = s.open(c, className, cl)
	} else if f, ok := lookup(s.b.reg, &s.b.reg.handlers, className); ok {
		h, err = s.openFactory(c, className, f)
	} else {
		return nil, c.Errorf(classKey, "unknown handler class %q: register a config.Factory with config.Register(%q, f) (or Registry.Register) before loading", className, className)
	}
	if err != nil {
		return nil, err
	}
	if len(prefixes) > 0 || len(fns) > 0 {
		h = newNameFilter(h, prefixes, fns)
	}
	return &builtHandler{h: h, level: level}, nil
}

// isIdentifier is logging.config.valid_ident: ^[a-z_][a-z0-9_]*$, ignoring case. Every
// key of a handlers entry must be one, as CPython passes them as keyword arguments.
func isIdentifier(k string) bool {
	for i, r := range k {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9' {
			continue
		}
		return false
	}
	return k != ""
}

// properties reads the "terminator" property of the built-in stream and file classes.
func (c *hctx) properties() {
	p := c.Properties()
	if t, ok := p.Value("terminator"); ok {
		s, isStr := t.(string)
		if !isStr {
			p.wrong("terminator", "a string", t)
			return
		}
		c.opts.Terminator, c.opts.NoTerminator = s, s == ""
	}
}

func (s *handlerSet) open(c *hctx, className string, cl class) (slog.Handler, error) {
	if c.Has(".") {
		c.properties()
	}
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

// formatter resolves the entry's formatter (nil, Python's default formatter, when absent).
func (s *handlerSet) formatter(c *hctx) *formatter {
	name := c.String("formatter", "")
	if !c.Has("formatter") {
		return nil
	}
	f, ok := s.formatters[name]
	if !ok {
		c.Errorf("formatter", "unknown formatter %q", name)
		return nil
	}
	return f
}

// filterList reads a list of filter names at key: the logger-name prefixes of the
// logging.Filter entries and the registered filters.
func (s *handlerSet) filterList(a *Args, key string) ([]string, []Filter) {
	return resolveFilters(a, key, s.filters)
}

// resolveFilters reads a list of filter names at key.
func resolveFilters(a *Args, key string, known map[string]filterSpec) (prefixes []string, fns []Filter) {
	for i, n := range a.Strings(key) {
		f, ok := known[n]
		switch {
		case !ok:
			a.Errorf(key+"["+itoa(i)+"]", "unknown filter %q", n)
			return nil, nil
		case f.fn != nil:
			fns = append(fns, f.fn)
		default:
			prefixes = append(prefixes, f.prefix)
		}
	}
	return prefixes, fns
}
