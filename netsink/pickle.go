package netsink

import (
	"errors"
	"fmt"

	"github.com/slogx/handlers/netsink/internal/pickle"
	"github.com/slogx/handlers/netsink/internal/wire"
)

// ErrPickleRefused is wrapped by the error for a pickle frame the Server will not read: one
// that names a class outside the allowlist (bytes, bytearray, set, frozenset, datetime's
// datetime, date, time, timedelta and timezone, decimal.Decimal) or builds an object any
// other way (INST, OBJ, BUILD, NEWOBJ, EXT*, persistent ids, out-of-band buffers), one
// whose memo references expand it past 8 times its size (plus 4 KiB) or past MaxFrame.
// Nothing is ever executed. The frame is skipped and counted (ServerStats.Refused); the connection goes on with the next frame.
// With AcceptPickle off every pickle is refused, and the connection is closed: its peer
// speaks a protocol the Server was not asked to read.
var ErrPickleRefused = pickle.ErrRefused

// pickleMalformed makes a malformed pickle's error match ErrMalformed, like every other
// undecodable frame, while keeping the pickle package's message.
type pickleMalformed struct{ err error }

func (e pickleMalformed) Error() string   { return e.err.Error() }
func (e pickleMalformed) Unwrap() []error { return []error{wire.ErrMalformed, e.err} }

// pickleDecode decodes p, with malformed input reported as ErrMalformed. The value's
// expanded size is bounded by maxSize (the frame limit: memo references may not make a
// record larger than a frame could carry) and its nesting by the wire's depth limit, the
// record dict itself being one level.
func pickleDecode(p []byte, maxSize int) (any, error) {
	v, err := pickle.Decode(p, pickle.Limits{MaxSize: maxSize, MaxDepth: wire.MaxDepth + 1})
	if err != nil && errors.Is(err, pickle.ErrMalformed) {
		return nil, pickleMalformed{err}
	}
	return v, err
}

// pickleErr is an error of the mapping from a decoded pickle to a record.
func pickleErr(format string, args ...any) error {
	return fmt.Errorf("%w: pickle: %s", wire.ErrMalformed, fmt.Sprintf(format, args...))
}
