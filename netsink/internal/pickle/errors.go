package pickle

import (
	"errors"
	"fmt"
)

// ErrRefused is wrapped by the error for a pickle that is well formed but asks for
// something the machine will not do: name a class, call a function, or exceed a limit.
var ErrRefused = errors.New("netsink: pickle refused")

// ErrMalformed is wrapped by the error for input that is not a valid pickle.
var ErrMalformed = errors.New("netsink: pickle malformed")

// Error is what Decode returns: why, and the offset of the opcode at fault.
type Error struct {
	Offset  int    // byte offset of the opcode at fault; -1 for a limit of the whole value
	Reason  string // what was wrong, for people
	Refused bool   // true: matches ErrRefused; false: matches ErrMalformed
}

// Error formats the reason with its offset.
func (e *Error) Error() string {
	if e.Offset < 0 {
		return "netsink: pickle: " + e.Reason
	}
	return fmt.Sprintf("netsink: pickle: %s at offset %d", e.Reason, e.Offset)
}

// Is reports whether e matches ErrRefused or ErrMalformed.
func (e *Error) Is(target error) bool {
	if e.Refused {
		return target == ErrRefused
	}
	return target == ErrMalformed
}
