package pickle

import (
	"errors"
	"fmt"
)

// constructor interprets the arguments CPython's pickler gives a type's reduction into the
// Go value that stands for it. It returns a refusal (see refusal) for a value that is
// valid Python but that we cannot represent, any other error for arguments CPython would
// not have produced.
type constructor func(args Tuple) (any, error)

// constructors is the allowlist: exactly the types whose reductions CPython 3.11 emits for
// values common in logging's extra (protocol 0 to 2 write builtins as __builtin__).
var constructors = map[string]constructor{
	"_codecs.encode":        codecsEncode, // bytes, protocols 0 to 2
	"__builtin__.bytes":     emptyBytes,   // b"", protocols 0 to 2
	"builtins.bytes":        emptyBytes,
	"__builtin__.bytearray": newBytearray,
	"builtins.bytearray":    newBytearray,
	"__builtin__.set":       newSet,
	"builtins.set":          newSet,
	"__builtin__.frozenset": newSet,
	"builtins.frozenset":    newSet,
	"datetime.datetime":     newDatetime,
	"datetime.date":         newDate,
	"datetime.time":         newTime,
	"datetime.timedelta":    newTimedelta,
	"datetime.timezone":     newTimezone,
	"decimal.Decimal":       newDecimal,
}

// errRefusal marks a constructor's error as a refusal rather than malformed input.
var errRefusal = errors.New("refused")

func refusal(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errRefusal, fmt.Sprintf(format, args...))
}

func isRefusal(err error) bool { return errors.Is(err, errRefusal) }

// codecsEncode interprets _codecs.encode(str, "latin1"), protocol 0 to 2's bytes: each
// code point below 256 is one byte.
func codecsEncode(args Tuple) (any, error) {
	if len(args) != 2 || args[1] != "latin1" {
		return nil, fmt.Errorf("want (str, 'latin1'), got %d arguments", len(args))
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("encoding %T", args[0])
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			return nil, fmt.Errorf("code point %U is not latin1", r)
		}
		b = append(b, byte(r))
	}
	return b, nil
}

func emptyBytes(args Tuple) (any, error) {
	if len(args) != 0 {
		return nil, fmt.Errorf("want (), got %d arguments", len(args))
	}
	return []byte{}, nil
}

// newBytearray interprets bytearray() and bytearray(bytes).
func newBytearray(args Tuple) (any, error) {
	switch {
	case len(args) == 0:
		return []byte{}, nil
	case len(args) == 1:
		if b, ok := args[0].([]byte); ok {
			return b, nil
		}
	}
	return nil, fmt.Errorf("want () or (bytes,), got %d arguments", len(args))
}

// newSet interprets set(list) and frozenset(list): a Set of the list's items as they are
// now (the pickler completes the list before REDUCE).
func newSet(args Tuple) (any, error) {
	if len(args) == 0 {
		return &Set{}, nil
	}
	if len(args) == 1 {
		switch x := args[0].(type) {
		case *List:
			return &Set{Items: append([]any(nil), x.Items...)}, nil
		case Tuple:
			return &Set{Items: append([]any(nil), x...)}, nil
		}
	}
	return nil, fmt.Errorf("want () or (list,), got %d arguments", len(args))
}
