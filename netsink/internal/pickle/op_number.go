package pickle

import (
	"encoding/binary"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// maxIntDigits is CPython's own int-to-str limit (sys.int_info.default_max_str_digits): the
// sender could not format a larger int either, and rendering one costs time quadratic in
// its length.
const maxIntDigits = 4300

// maxLongBytes is the two's complement length of a maxIntDigits-digit int (14,285 bits and a
// sign bit): LONG1 and LONG4 are bounded before any big arithmetic.
const maxLongBytes = 1786

// constant pushes None, True or False.
func (m *machine) constant(code byte) error {
	switch code {
	case 'N':
		m.push(nil)
	case 0x88:
		m.push(true)
	default:
		m.push(false)
	}
	return nil
}

// textInt runs INT and LONG, protocol 0's decimal integers; INT 00 and 01 are False and
// True.
func (m *machine) textInt(code byte) error {
	s, err := m.line()
	if err != nil {
		return err
	}
	if code == 'I' && (s == "00" || s == "01") {
		m.push(s == "01")
		return nil
	}
	s = strings.TrimSpace(strings.TrimSuffix(s, "L"))
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		m.push(v)
		return nil
	}
	if len(strings.TrimLeft(s, "+-")) > maxIntDigits {
		return m.refuse("int of more than %d digits", maxIntDigits)
	}
	b, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return m.malformed("integer %q", s)
	}
	m.push(b)
	return nil
}

// binInt runs BININT (4 bytes, signed), BININT1 and BININT2 (unsigned).
func (m *machine) binInt(code byte) error {
	width := 4
	switch code {
	case 'K':
		width = 1
	case 'M':
		width = 2
	}
	v, err := m.uint(width)
	if err != nil {
		return err
	}
	if code == 'J' {
		m.push(int64(int32(uint32(v))))
	} else {
		m.push(int64(v))
	}
	return nil
}

// long runs LONG1 and LONG4: a length, then little-endian two's complement bytes.
func (m *machine) long(code byte) error {
	width := 1
	if code == 0x8b {
		width = 4
	}
	n, err := m.uint(width)
	if err != nil {
		return err
	}
	b, err := m.read(n)
	if err != nil {
		return err
	}
	if len(b) > maxLongBytes {
		return m.refuse("int of more than %d digits", maxIntDigits)
	}
	m.push(decodeLong(b))
	return nil
}

// decodeLong decodes little-endian two's complement bytes.
func decodeLong(b []byte) any {
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

// float runs FLOAT (text) and BINFLOAT (8 bytes, big-endian).
func (m *machine) float(code byte) error {
	if code == 'G' {
		b, err := m.read(8)
		if err != nil {
			return err
		}
		m.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
		return nil
	}
	s, err := m.line()
	if err != nil {
		return err
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return m.malformed("float %q", s)
	}
	m.push(f)
	return nil
}
