package config

import (
	"fmt"
	"os"
)

// MaxDocumentSize is the largest document Load and Parse accept when Options.MaxSize is
// zero: 16 MiB, a thousand times a large logging setup. Anything larger is refused before it
// is read, so a wrong path (a log file, /dev/zero) cannot make the program allocate without
// bound.
const MaxDocumentSize = 16 << 20

// Options change how a document is read. The zero value reads as Load and Parse do.
type Options struct {
	// Registry holds the factories the document may name. Nil means the package's registry
	// (Register, RegisterFormatter, RegisterFilter, RegisterContext).
	Registry *Registry

	// Strict refuses the keys CPython ignores (a logger's qualname, a formatter's or
	// filter's unknown keys without "()", a top-level section no cfg:// reference reads)
	// instead of ignoring them with a warning.
	Strict bool

	// OnWarning receives each ignored key, as an error naming its place
	// ("config: loggers.gunicorn.error.qualname: ignored, as CPython ignores it"), during
	// the load. Nil means standard error. Warnings are also kept: see Logging.Warnings.
	OnWarning func(error)

	// MaxSize is the largest document accepted, in bytes. Zero means MaxDocumentSize.
	MaxSize int64
}

func (o *Options) maxSize() int64 {
	if o.MaxSize > 0 {
		return o.MaxSize
	}
	return MaxDocumentSize
}

func (o *Options) registry() *Registry {
	if o.Registry != nil {
		return o.Registry
	}
	return &defaultRegistry
}

func (o *Options) warn(err error) {
	if o.OnWarning != nil {
		o.OnWarning(err)
		return
	}
	fmt.Fprintln(os.Stderr, "warning:", err)
}
