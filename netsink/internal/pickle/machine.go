package pickle

import (
	"fmt"
	"math/big"
)

// Decode runs the pickle in p and returns the value STOP leaves on the stack:
//
//	None -> nil, bool -> bool, int -> int64 (or *big.Int beyond 64 bits), float -> float64,
//	str -> string, bytes and bytearray -> []byte, list -> *List, tuple -> Tuple,
//	dict -> *Dict, set and frozenset -> *Set, datetime.datetime -> time.Time (a naive
//	one in UTC with the fields Python prints, an aware one at its fixed offset),
//	datetime.date -> Date, datetime.time -> Time, datetime.timedelta -> time.Duration,
//	datetime.timezone -> *Timezone, decimal.Decimal -> Decimal.
//
// The objects are read from the reductions CPython's pickler writes for them (GLOBAL or
// STACK_GLOBAL naming the type, then REDUCE with its arguments), interpreted by Go code
// of our own; any other global is refused.
//
// The value is within lim (see Limits): a consumer may walk it recursively, references
// and all, without a budget of its own. Errors are *Error, matching ErrRefused or
// ErrMalformed. p is not retained.
func Decode(p []byte, lim Limits) (any, error) {
	m := &machine{p: p, memo: map[uint64]any{}}
	v, err := m.run()
	if err != nil {
		return nil, err
	}
	lim = lim.resolve()
	s := sizer{Limits: lim, left: lim.MaxSize}
	if err := s.walk(v, 0); err != nil {
		return nil, err
	}
	return v, nil
}

// machine is the pickle virtual machine: the input and the read position, the stack, the
// positions of its marks, and the memo.
type machine struct {
	p     []byte
	pos   int // next byte to read
	at    int // offset of the opcode being run, for errors
	stack []any
	marks []int
	memo  map[uint64]any

	// bigKeys caches the dict hash key of each big integer: a SETITEM loop over one
	// memoized big int must not render it once per reference.
	bigKeys map[*big.Int]string

	result any
	done   bool
}

// op runs one opcode; the table below holds one per opcode byte.
type op func(m *machine, code byte) error

func (m *machine) run() (any, error) {
	for m.pos < len(m.p) {
		m.at = m.pos
		code := m.p[m.pos]
		m.pos++
		run := opcodes[code]
		if run == nil {
			return nil, m.malformed("unknown opcode %#x", code)
		}
		if err := run(m, code); err != nil {
			return nil, err
		}
		if m.done {
			return m.result, nil
		}
	}
	return nil, m.malformed("no STOP")
}

func (m *machine) malformed(format string, args ...any) error {
	return &Error{Offset: m.at, Reason: fmt.Sprintf(format, args...)}
}

func (m *machine) refuse(format string, args ...any) error {
	return &Error{Offset: m.at, Reason: fmt.Sprintf(format, args...), Refused: true}
}

// read returns the next n bytes, checking n against what is left before anything
// depends on it.
func (m *machine) read(n uint64) ([]byte, error) {
	if n > uint64(len(m.p)-m.pos) {
		return nil, m.malformed("%d bytes declared, %d left", n, len(m.p)-m.pos)
	}
	b := m.p[m.pos : m.pos+int(n)]
	m.pos += int(n)
	return b, nil
}

// line returns the text up to the next newline (protocol 0's arguments), newline excluded.
func (m *machine) line() (string, error) {
	for j := m.pos; j < len(m.p); j++ {
		if m.p[j] == '\n' {
			s := string(m.p[m.pos:j])
			m.pos = j + 1
			return s, nil
		}
	}
	return "", m.malformed("unterminated line")
}

// uint reads an n-byte little-endian unsigned integer.
func (m *machine) uint(n int) (uint64, error) {
	b, err := m.read(uint64(n))
	if err != nil {
		return 0, err
	}
	var v uint64
	for k := n - 1; k >= 0; k-- {
		v = v<<8 | uint64(b[k])
	}
	return v, nil
}

// push grows the stack by doubling: append's gentler growth for large slices would make a
// stack of n values cost about 5n slots in garbage, doubling about 2n.
func (m *machine) push(v any) {
	if len(m.stack) == cap(m.stack) {
		m.stack = append(make([]any, 0, max(16, 2*cap(m.stack))), m.stack...)
	}
	m.stack = append(m.stack, v)
}

// pop removes the top value, which must not be a mark.
func (m *machine) pop() (any, error) {
	v, err := m.top()
	if err != nil {
		return nil, err
	}
	m.stack = m.stack[:len(m.stack)-1]
	return v, nil
}

// top returns the top value, which must not be a mark.
func (m *machine) top() (any, error) {
	if len(m.stack) == 0 {
		return nil, m.malformed("stack underflow")
	}
	v := m.stack[len(m.stack)-1]
	if _, ok := v.(mark); ok {
		return nil, m.malformed("mark where a value was expected")
	}
	return v, nil
}

// popMark removes the values down to the last mark, and the mark, and returns the values.
// They stay in the stack's array, so they are valid until the next push: a caller that
// keeps them copies them (APPENDS copies into its list anyway, so the common path copies
// once).
func (m *machine) popMark() ([]any, error) {
	if len(m.marks) == 0 {
		return nil, m.malformed("no mark")
	}
	k := m.marks[len(m.marks)-1]
	m.marks = m.marks[:len(m.marks)-1]
	items := m.stack[k+1:]
	m.stack = m.stack[:k]
	return items, nil
}
