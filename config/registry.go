package config

import (
	"log/slog"
	"sync"

	"github.com/slogx/handlers/slogx"
)

// A Factory builds a handler for a handlers entry whose "class" or "()" is the name it was
// registered under: Python's user-defined handler factories. args holds the entry's keyword
// arguments (everything but class, (), level, formatter and filters); read them through
// args' getters, whose errors name the place in the document. A key the factory does not
// read is an error at load time. opts carries the entry's level (NOTSET is below every
// level) and its formatter's encoder (Python's default "%(message)s" pattern without one);
// pass it on to a slogx constructor. The config owns the returned handler: Logging.Close
// closes it if it is an io.Closer.
type Factory func(args *Args, opts *slogx.Options) (slog.Handler, error)

// A Registry holds the factories a document may name besides the built-in classes. The zero
// value is empty and ready to use; it is safe for concurrent use. Use a Registry of your own
// (NewRegistry, then its Load and Parse) to keep a program's parts apart; the package-level
// Register, Load and Parse share one default registry.
type Registry struct {
	mu sync.RWMutex
	m  map[string]Factory
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry { return &Registry{} }

// defaultRegistry is the registry of the package-level Register, Load and Parse. It is the
// one mutable package variable: issue 17 asks for config.Register next to config.Load, as
// database/sql.Register sits next to sql.Open. It only grows (a name cannot be replaced or
// removed), so a document's meaning cannot change under a program once it loaded.
var defaultRegistry Registry

// Register makes f available to documents loaded with the package-level Load and Parse
// under name. It panics if name is empty, is a built-in class, or is registered already —
// a programming error, found at start-up, as with database/sql.Register.
func Register(name string, f Factory) { defaultRegistry.Register(name, f) }

// Register makes f available under name to documents loaded with r. It panics if name is
// empty, is a built-in class, is registered already, or f is nil.
func (r *Registry) Register(name string, f Factory) {
	if name == "" || f == nil {
		panic("config: Register with an empty name or a nil factory")
	}
	if _, ok := handlerClasses[name]; ok {
		panic("config: Register: " + name + " is a built-in class")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.m[name]; ok {
		panic("config: Register: " + name + " registered twice")
	}
	if r.m == nil {
		r.m = map[string]Factory{}
	}
	r.m[name] = f
}

func (r *Registry) lookup(name string) (Factory, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	f, ok := r.m[name]
	return f, ok
}
