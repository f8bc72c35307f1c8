package pickle

import (
	"fmt"
	"math/big"
	"time"
)

// renderedTime is what a date, time, datetime, timedelta or timezone costs beyond 1: about
// the length of its ISO text.
const renderedTime = 32

// Defaults of Limits.
const (
	DefaultMaxSize  = 1 << 20
	DefaultMaxDepth = 32
)

// Limits bound the value Decode returns, whatever the input's own size.
type Limits struct {
	// MaxSize bounds the expanded size of the result: the size of the tree the value
	// becomes when every memo reference is replaced by what it refers to, which is what a
	// consumer walks and writes out. Each value costs 1, plus its length for str, bytes
	// and Decimal, plus its decimal digits for an int. Without references a pickle costs
	// no more than its own length (every value takes at least one opcode byte, every
	// character one byte), ints beyond 64 bits aside (about 2.4 digits a byte), so a bound
	// equal to the frame limit refuses what the memo amplifies. Zero means DefaultMaxSize.
	MaxSize int

	// MaxDepth bounds the nesting of containers: the top value is at depth 0. A container
	// that contains itself exceeds it. Zero means DefaultMaxDepth.
	MaxDepth int
}

func (l Limits) resolve() Limits {
	if l.MaxSize <= 0 {
		l.MaxSize = DefaultMaxSize
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// sizer walks a decoded value as if it were a tree, charging each node to the budget. It
// stops as soon as the budget is spent, so the walk itself costs at most MaxSize steps even
// for a memo bomb that describes an exponentially large tree.
type sizer struct {
	Limits
	left int
}

func (s *sizer) walk(v any, depth int) error {
	if depth > s.MaxDepth {
		return &Error{Offset: -1, Reason: fmt.Sprintf("nested deeper than %d", s.MaxDepth), Refused: true}
	}
	var items []any
	cost := 1
	switch x := v.(type) {
	case string:
		cost += len(x)
	case []byte:
		cost += len(x)
	case *big.Int:
		cost += digits(x)
	case Decimal:
		cost += len(x)
	case time.Time, time.Duration, Date, Time, *Timezone:
		cost += renderedTime
	case global:
		return &Error{Offset: -1, Reason: x.name + " itself, not a value made with it", Refused: true}
	case *List:
		items = x.Items
	case Tuple:
		items = x
	case *Set:
		items = x.Items
	case *Dict:
		if err := s.charge(cost); err != nil {
			return err
		}
		for i, k := range x.Keys {
			if err := s.walk(k, depth+1); err != nil {
				return err
			}
			if err := s.walk(x.Values[i], depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := s.charge(cost); err != nil {
		return err
	}
	for _, it := range items {
		if err := s.walk(it, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (s *sizer) charge(n int) error {
	if s.left -= n; s.left < 0 {
		return &Error{Offset: -1, Refused: true,
			Reason: fmt.Sprintf("value expands to more than %d bytes (each memo reference counted in full)", s.MaxSize)}
	}
	return nil
}

// digits is an upper bound of the decimal digits of x, sign included, without rendering
// it: log10(2) < 0.30103.
func digits(x *big.Int) int {
	return x.BitLen()*30103/100000 + 2
}
