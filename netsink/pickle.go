package netsink

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrPickleRefused is wrapped by the error for a pickle that would construct an object
// (GLOBAL, STACK_GLOBAL, REDUCE, INST, OBJ, BUILD, NEWOBJ, NEWOBJ_EX, EXT*, persistent ids,
// out-of-band buffers). Python's logging sends plain dicts; anything that names a class or
// calls a function is refused, never executed, and the connection is closed.
var ErrPickleRefused = errors.New("netsink: pickle opcode refused")

// wirePickleMaxNodes bounds the values a decoded pickle may expand to: memo references let a
// small pickle describe an exponentially large tree, which would otherwise be a memory bomb.
const wirePickleMaxNodes = 1 << 16

// Python values as the pickle machine builds them. Lists and dicts are pointers because
// memo references share them and APPEND/SETITEM mutate them in place.
type (
	pyList  struct{ items []any }
	pyTuple []any
	pyDict  struct {
		keys, vals []any
		index      map[any]int
	}
	pyMark struct{}
)

func (d *pyDict) set(k, v any) {
	hk := k
	switch x := k.(type) {
	case *big.Int:
		hk = "\x00big:" + x.String()
	case nil, bool, int64, float64, string:
	default:
		// Unhashable in Python too (a list key would have failed there): keep, no index.
		d.keys, d.vals = append(d.keys, k), append(d.vals, v)
		return
	}
	if d.index == nil {
		d.index = make(map[any]int)
	}
	if i, ok := d.index[hk]; ok {
		d.vals[i] = v
		return
	}
	d.index[hk] = len(d.keys)
	d.keys, d.vals = append(d.keys, k), append(d.vals, v)
}

func wirePickleErr(format string, args ...any) error {
	return fmt.Errorf("%w: pickle: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// wireUnpickle runs the safe subset of the pickle machine (protocols 0 to 5) over p and
// returns the value STOP leaves on the stack. Every length is checked against the input
// before allocation; the stack and memo cannot outgrow the number of opcodes.
func wireUnpickle(p []byte) (any, error) {
	var (
		stack []any
		marks []int
		memo  = map[uint64]any{}
		i     int
	)
	need := func(n uint64) ([]byte, error) {
		if n > uint64(len(p)-i) {
			return nil, wirePickleErr("%d bytes declared, %d left", n, len(p)-i)
		}
		b := p[i : i+int(n)]
		i += int(n)
		return b, nil
	}
	line := func() (string, error) {
		for j := i; j < len(p); j++ {
			if p[j] == '\n' {
				s := string(p[i:j])
				i = j + 1
				return s, nil
			}
		}
		return "", wirePickleErr("unterminated line")
	}
	pop := func() (any, error) {
		if len(stack) == 0 {
			return nil, wirePickleErr("stack underflow")
		}
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, ok := v.(pyMark); ok {
			return nil, wirePickleErr("mark where a value was expected")
		}
		return v, nil
	}
	popMark := func() ([]any, error) {
		if len(marks) == 0 {
			return nil, wirePickleErr("no mark")
		}
		m := marks[len(marks)-1]
		marks = marks[:len(marks)-1]
		items := append([]any(nil), stack[m+1:]...)
		stack = stack[:m]
		return items, nil
	}
	top := func() (any, error) {
		if len(stack) == 0 {
			return nil, wirePickleErr("stack underflow")
		}
		return stack[len(stack)-1], nil
	}
	uint := func(n int) (uint64, error) {
		b, err := need(uint64(n))
		if err != nil {
			return 0, err
		}
		var v uint64
		for k := n - 1; k >= 0; k-- {
			v = v<<8 | uint64(b[k])
		}
		return v, nil
	}
	for i < len(p) {
		op := p[i]
		i++
		switch op {
		case '.': // STOP
			v, err := pop()
			if err != nil {
				return nil, err
			}
			return v, nil
		case 0x80: // PROTO
			v, err := need(1)
			if err != nil {
				return nil, err
			}
			if v[0] > 5 {
				return nil, wirePickleErr("unsupported protocol %d", v[0])
			}
		case 0x95: // FRAME: the whole frame is in p already
			n, err := uint(8)
			if err != nil {
				return nil, err
			}
			if n > uint64(len(p)-i) {
				return nil, wirePickleErr("frame of %d bytes, %d left", n, len(p)-i)
			}
		case '(':
			marks = append(marks, len(stack))
			stack = append(stack, pyMark{})
		case '0': // POP
			if len(stack) == 0 {
				return nil, wirePickleErr("stack underflow")
			}
			if _, ok := stack[len(stack)-1].(pyMark); ok {
				marks = marks[:len(marks)-1]
			}
			stack = stack[:len(stack)-1]
		case '1': // POP_MARK
			if _, err := popMark(); err != nil {
				return nil, err
			}
		case '2': // DUP
			v, err := top()
			if err != nil {
				return nil, err
			}
			if _, ok := v.(pyMark); ok {
				return nil, wirePickleErr("DUP of a mark")
			}
			stack = append(stack, v)
		case 'N':
			stack = append(stack, nil)
		case 0x88:
			stack = append(stack, true)
		case 0x89:
			stack = append(stack, false)
		case 'I', 'L': // INT, LONG (text)
			s, err := line()
			if err != nil {
				return nil, err
			}
			if op == 'I' && (s == "00" || s == "01") {
				stack = append(stack, s == "01")
				continue
			}
			v, err := wirePyInt(strings.TrimSuffix(s, "L"))
			if err != nil {
				return nil, err
			}
			stack = append(stack, v)
		case 'J':
			v, err := uint(4)
			if err != nil {
				return nil, err
			}
			stack = append(stack, int64(int32(uint32(v))))
		case 'K':
			v, err := uint(1)
			if err != nil {
				return nil, err
			}
			stack = append(stack, int64(v))
		case 'M':
			v, err := uint(2)
			if err != nil {
				return nil, err
			}
			stack = append(stack, int64(v))
		case 0x8a, 0x8b: // LONG1, LONG4: little-endian two's complement
			width := 1
			if op == 0x8b {
				width = 4
			}
			n, err := uint(width)
			if err != nil {
				return nil, err
			}
			b, err := need(n)
			if err != nil {
				return nil, err
			}
			stack = append(stack, wirePyLong(b))
		case 'F':
			s, err := line()
			if err != nil {
				return nil, err
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return nil, wirePickleErr("float %q", s)
			}
			stack = append(stack, f)
		case 'G':
			b, err := need(8)
			if err != nil {
				return nil, err
			}
			stack = append(stack, math.Float64frombits(binary.BigEndian.Uint64(b)))
		case 'S': // STRING: a Python 2 repr
			s, err := line()
			if err != nil {
				return nil, err
			}
			v, err := wirePyUnrepr(s)
			if err != nil {
				return nil, err
			}
			stack = append(stack, v)
		case 'V': // UNICODE: raw-unicode-escape
			s, err := line()
			if err != nil {
				return nil, err
			}
			stack = append(stack, wirePyRawUnicode(s))
		case 'T', 'U', 'X', 0x8c, 0x8d, 'B', 'C', 0x8e, 0x96:
			width := 4 // T, X, B
			switch op {
			case 'U', 0x8c, 'C':
				width = 1
			case 0x8d, 0x8e, 0x96:
				width = 8
			}
			n, err := uint(width)
			if err != nil {
				return nil, err
			}
			if op == 'T' && int32(uint32(n)) < 0 {
				return nil, wirePickleErr("negative string length")
			}
			b, err := need(n)
			if err != nil {
				return nil, err
			}
			switch op {
			case 'B', 'C', 0x8e, 0x96:
				stack = append(stack, append([]byte(nil), b...))
			default:
				stack = append(stack, string(b))
			}
		case '}':
			stack = append(stack, &pyDict{})
		case ']':
			stack = append(stack, &pyList{})
		case ')':
			stack = append(stack, pyTuple{})
		case 0x8f: // EMPTY_SET: a list is as good as a set for logging
			stack = append(stack, &pyList{})
		case 'd', 'l', 't', 0x91: // DICT, LIST, TUPLE, FROZENSET from the mark
			items, err := popMark()
			if err != nil {
				return nil, err
			}
			switch op {
			case 'd':
				if len(items)%2 != 0 {
					return nil, wirePickleErr("odd number of dict items")
				}
				d := &pyDict{}
				for k := 0; k < len(items); k += 2 {
					d.set(items[k], items[k+1])
				}
				stack = append(stack, d)
			case 'l', 0x91:
				stack = append(stack, &pyList{items: items})
			default:
				stack = append(stack, pyTuple(items))
			}
		case 0x85, 0x86, 0x87: // TUPLE1..3
			n := int(op-0x85) + 1
			if len(stack) < n {
				return nil, wirePickleErr("stack underflow")
			}
			items := append(pyTuple(nil), stack[len(stack)-n:]...)
			for _, it := range items {
				if _, ok := it.(pyMark); ok {
					return nil, wirePickleErr("mark in tuple")
				}
			}
			stack = append(stack[:len(stack)-n], items)
		case 'a': // APPEND
			v, err := pop()
			if err != nil {
				return nil, err
			}
			t, err := top()
			if err != nil {
				return nil, err
			}
			l, ok := t.(*pyList)
			if !ok {
				return nil, wirePickleErr("APPEND to %T", t)
			}
			l.items = append(l.items, v)
		case 'e', 0x90: // APPENDS, ADDITEMS
			items, err := popMark()
			if err != nil {
				return nil, err
			}
			t, err := top()
			if err != nil {
				return nil, err
			}
			l, ok := t.(*pyList)
			if !ok {
				return nil, wirePickleErr("APPENDS to %T", t)
			}
			l.items = append(l.items, items...)
		case 's': // SETITEM
			v, err := pop()
			if err != nil {
				return nil, err
			}
			k, err := pop()
			if err != nil {
				return nil, err
			}
			t, err := top()
			if err != nil {
				return nil, err
			}
			d, ok := t.(*pyDict)
			if !ok {
				return nil, wirePickleErr("SETITEM on %T", t)
			}
			d.set(k, v)
		case 'u': // SETITEMS
			items, err := popMark()
			if err != nil {
				return nil, err
			}
			t, err := top()
			if err != nil {
				return nil, err
			}
			d, ok := t.(*pyDict)
			if !ok {
				return nil, wirePickleErr("SETITEMS on %T", t)
			}
			if len(items)%2 != 0 {
				return nil, wirePickleErr("odd number of dict items")
			}
			for k := 0; k < len(items); k += 2 {
				d.set(items[k], items[k+1])
			}
		case 'g', 'h', 'j': // GET, BINGET, LONG_BINGET
			var idx uint64
			var err error
			switch op {
			case 'g':
				var s string
				if s, err = line(); err == nil {
					idx, err = strconv.ParseUint(s, 10, 64)
				}
			case 'h':
				idx, err = uint(1)
			default:
				idx, err = uint(4)
			}
			if err != nil {
				return nil, wirePickleErr("memo index: %v", err)
			}
			v, ok := memo[idx]
			if !ok {
				return nil, wirePickleErr("memo %d not set", idx)
			}
			stack = append(stack, v)
		case 'p', 'q', 'r', 0x94: // PUT, BINPUT, LONG_BINPUT, MEMOIZE
			var idx uint64
			var err error
			switch op {
			case 'p':
				var s string
				if s, err = line(); err == nil {
					idx, err = strconv.ParseUint(s, 10, 64)
				}
			case 'q':
				idx, err = uint(1)
			case 'r':
				idx, err = uint(4)
			default:
				idx = uint64(len(memo))
			}
			if err != nil {
				return nil, wirePickleErr("memo index: %v", err)
			}
			v, err := top()
			if err != nil {
				return nil, err
			}
			if _, ok := v.(pyMark); ok {
				return nil, wirePickleErr("memoizing a mark")
			}
			memo[idx] = v
		case 'c', 0x93, 'R', 'i', 'o', 'b', 0x81, 0x92, 0x82, 0x83, 0x84, 'P', 'Q', 0x97, 0x98:
			return nil, fmt.Errorf("%w: %s at offset %d", ErrPickleRefused, wirePickleOpName(op), i-1)
		default:
			return nil, wirePickleErr("unknown opcode %#x at offset %d", op, i-1)
		}
	}
	return nil, wirePickleErr("no STOP")
}

func wirePickleOpName(op byte) string {
	switch op {
	case 'c':
		return "GLOBAL"
	case 0x93:
		return "STACK_GLOBAL"
	case 'R':
		return "REDUCE"
	case 'i':
		return "INST"
	case 'o':
		return "OBJ"
	case 'b':
		return "BUILD"
	case 0x81:
		return "NEWOBJ"
	case 0x92:
		return "NEWOBJ_EX"
	case 0x82, 0x83, 0x84:
		return "EXT"
	case 'P', 'Q':
		return "PERSID"
	}
	return "out-of-band buffer"
}

func wirePyInt(s string) (any, error) {
	s = strings.TrimSpace(s)
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, nil
	}
	if len(s) > 4096 {
		return nil, wirePickleErr("integer of %d digits", len(s))
	}
	b, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return nil, wirePickleErr("integer %q", s)
	}
	return b, nil
}

// wirePyLong decodes LONG1/LONG4's little-endian two's complement bytes.
func wirePyLong(b []byte) any {
	if len(b) == 0 {
		return int64(0)
	}
	if len(b) <= 8 {
		var v uint64
		for k := len(b) - 1; k >= 0; k-- {
			v = v<<8 | uint64(b[k])
		}
		shift := 64 - 8*uint(len(b))
		return int64(v<<shift) >> shift
	}
	be := make([]byte, len(b))
	for k := range b {
		be[len(b)-1-k] = b[k]
	}
	v := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	if v.IsInt64() {
		return v.Int64()
	}
	return v
}

// wirePyUnrepr decodes the quoted Python 2 string repr of protocol 0's STRING.
func wirePyUnrepr(s string) (string, error) {
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return "", wirePickleErr("STRING not quoted")
	}
	s = s[1 : len(s)-1]
	var out []byte
	for k := 0; k < len(s); k++ {
		c := s[k]
		if c != '\\' || k+1 == len(s) {
			out = append(out, c)
			continue
		}
		k++
		switch s[k] {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case '\\', '\'', '"':
			out = append(out, s[k])
		case 'x':
			if k+2 < len(s) {
				if v, err := strconv.ParseUint(s[k+1:k+3], 16, 8); err == nil {
					out = append(out, byte(v))
					k += 2
					continue
				}
			}
			out = append(out, '\\', 'x')
		default:
			out = append(out, '\\', s[k])
		}
	}
	return string(out), nil
}

// wirePyRawUnicode decodes raw-unicode-escape: bytes are Latin-1 code points, except
// \uXXXX and \UXXXXXXXX.
func wirePyRawUnicode(s string) string {
	var out []rune
	for k := 0; k < len(s); k++ {
		c := s[k]
		if c == '\\' && k+1 < len(s) && (s[k+1] == 'u' || s[k+1] == 'U') {
			n := 4
			if s[k+1] == 'U' {
				n = 8
			}
			if k+2+n <= len(s) {
				if v, err := strconv.ParseUint(s[k+2:k+2+n], 16, 32); err == nil && utf8.ValidRune(rune(v)) {
					out = append(out, rune(v))
					k += 1 + n
					continue
				}
			}
		}
		out = append(out, rune(c))
	}
	return string(out)
}
