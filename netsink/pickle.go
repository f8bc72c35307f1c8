package netsink

import (
	"errors"
	"fmt"

	"github.com/slogx/handlers/netsink/internal/pickle"
)

// ErrPickleRefused is wrapped by the error for a pickle that would construct an object
// (GLOBAL, STACK_GLOBAL, REDUCE, INST, OBJ, BUILD, NEWOBJ, NEWOBJ_EX, EXT*, persistent ids,
// out-of-band buffers). Python's logging sends plain dicts; anything that names a class or
// calls a function is refused, never executed, and the connection is closed.
var ErrPickleRefused = pickle.ErrRefused

// pickleMalformed makes a malformed pickle's error match ErrMalformed, like every other
// undecodable frame, while keeping the pickle package's message.
type pickleMalformed struct{ err error }

func (e pickleMalformed) Error() string   { return e.err.Error() }
func (e pickleMalformed) Unwrap() []error { return []error{ErrMalformed, e.err} }

// pickleDecode decodes p, with malformed input reported as ErrMalformed. The value's
// expanded size is bounded by maxSize (the frame limit: memo references may not make a
// record larger than a frame could carry) and its nesting by the wire's depth limit, the
// record dict itself being one level.
func pickleDecode(p []byte, maxSize int) (any, error) {
	v, err := pickle.Decode(p, pickle.Limits{MaxSize: maxSize, MaxDepth: wireMaxDepth + 1})
	if err != nil && errors.Is(err, pickle.ErrMalformed) {
		return nil, pickleMalformed{err}
	}
	return v, err
}

// pickleErr is an error of the mapping from a decoded pickle to a record.
func pickleErr(format string, args ...any) error {
	return fmt.Errorf("%w: pickle: %s", ErrMalformed, fmt.Sprintf(format, args...))
}
