package config

import (
	"context"
	"log/slog"
	"sync"

	"github.com/slogx/handlers/slogx"
)

// A Factory builds a handler for a handlers entry whose "class" or "()" is the name it was
// registered under: Python's user-defined handler factories. args holds the entry's keyword
// arguments (everything but class, (), level, formatter and filters) and, through
// Args.Properties, its "." properties; read them through args' getters, whose errors name
// the place in the document. A key the factory does not read is an error at load time. opts
// carries the entry's level (NOTSET is below every level; a *slog.LevelVar that
// Logging.Apply may change) and its formatter's encoder (Python's default "%(message)s"
// pattern without one); pass it on to a slogx constructor. The config owns the returned
// handler: Logging.Close closes it if it is an io.Closer.
type Factory func(args *Args, opts *slogx.Options) (slog.Handler, error)

// A FormatterFactory builds the encoder of a formatters entry whose "()" (or "class") is
// the name it was registered under. args holds the keyword arguments of Python's call: with
// "()", every key but "()" and "." ("format" is given as "fmt", as CPython retries a
// factory that refuses format); with "class", fmt, datefmt, style and validate, as CPython
// passes them. NewFormatter builds logging.Formatter's encoder from them.
type FormatterFactory func(args *Args) (slogx.Encoder, error)

// A FilterFactory builds the filter of a filters entry whose "()" is the name it was
// registered under, from the entry's other keys.
type FilterFactory func(args *Args) (Filter, error)

// A Filter decides whether a record passes, as Python's Filter.filter does: logger is the
// name of the logger that made it ("root" for the root logger). It is called for every
// record that reaches the handler or logger it is attached to, in the logging goroutine,
// possibly concurrently; it must not modify r.
type Filter func(ctx context.Context, logger string, r slog.Record) bool

// A Registry holds the factories a document may name besides the built-in classes, and the
// context functions its loggers may turn on. The zero value is empty and ready to use; it is
// safe for concurrent use. Use a Registry of your own (NewRegistry, then its Load and Parse,
// or Options.Registry) to keep a program's parts apart; the package-level Register, Load and
// Parse share one default registry.
type Registry struct {
	mu         sync.RWMutex
	handlers   map[string]Factory
	formatters map[string]FormatterFactory
	filters    map[string]FilterFactory
	contexts   map[string]func(context.Context) []slog.Attr
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry { return &Registry{} }

// defaultRegistry is the registry of the package-level Register, Load and Parse. It is the
// one mutable package variable: issue 17 asks for config.Register next to config.Load, as
// database/sql.Register sits next to sql.Open. It only grows (a name cannot be replaced or
// removed), so a document's meaning cannot change under a program once it loaded.
var defaultRegistry Registry

// Register makes the handler factory f available to documents loaded with the
// package-level Load and Parse under name. It panics if name is empty, is a built-in class,
// or is registered already — a programming error, found at start-up, as with
// database/sql.Register.
func Register(name string, f Factory) { defaultRegistry.Register(name, f) }

// RegisterFormatter is Register for a formatter factory.
func RegisterFormatter(name string, f FormatterFactory) { defaultRegistry.RegisterFormatter(name, f) }

// RegisterFilter is Register for a filter factory.
func RegisterFilter(name string, f FilterFactory) { defaultRegistry.RegisterFilter(name, f) }

// ContextWith is the built-in name of the "context" key that adds the attributes stored in
// the log call's context with slogx.ContextWith: no registration needed.
const ContextWith = "slogx.ContextWith"

// RegisterContext makes f available under name to the "context" key of loggers: the
// records of the logger and of its descendants get the attributes f finds in the log
// call's context (slogx.ContextAttrs).
func RegisterContext(name string, f func(context.Context) []slog.Attr) {
	defaultRegistry.RegisterContext(name, f)
}

// Register makes the handler factory f available under name to documents loaded with r. It
// panics if name is empty, is a built-in class, is registered already, or f is nil.
func (r *Registry) Register(name string, f Factory) {
	_, builtin := handlerClasses[name]
	register(r, &r.handlers, name, f, f == nil, builtin)
}

// RegisterFormatter is Register for a formatter factory.
func (r *Registry) RegisterFormatter(name string, f FormatterFactory) {
	_, builtin := formatterClasses[name]
	register(r, &r.formatters, name, f, f == nil, builtin)
}

// RegisterFilter is Register for a filter factory.
func (r *Registry) RegisterFilter(name string, f FilterFactory) {
	register(r, &r.filters, name, f, f == nil, name == "logging.Filter")
}

// RegisterContext is the package-level RegisterContext for r.
func (r *Registry) RegisterContext(name string, f func(context.Context) []slog.Attr) {
	register(r, &r.contexts, name, f, f == nil, name == ContextWith)
}

func register[F any](r *Registry, m *map[string]F, name string, f F, isNil, builtin bool) {
	if name == "" || isNil {
		panic("config: Register with an empty name or a nil function")
	}
	if builtin {
		panic("config: Register: " + name + " is a built-in class")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := (*m)[name]; ok {
		panic("config: Register: " + name + " registered twice")
	}
	if *m == nil {
		*m = map[string]F{}
	}
	(*m)[name] = f
}

func lookup[F any](r *Registry, m *map[string]F, name string) (F, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	f, ok := (*m)[name]
	return f, ok
}
