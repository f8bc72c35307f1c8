package slogx

import (
	"math/bits"
	"slices"
)

// appendInt appends i in decimal, as strconv.AppendInt(b, i, 10) does.
//
// strconv formats into an array on its stack and then copies into b; every record has an
// integer or two (a status, a duration in nanoseconds), and writing the digits where they
// belong, two at a time, is about half the instructions.
func appendInt(b []byte, i int64) []byte {
	u := uint64(i)
	if i < 0 {
		b = append(b, '-')
		u = -u
	}
	return appendUint(b, u)
}

// appendUint appends u in decimal, as strconv.AppendUint(b, u, 10) does.
func appendUint(b []byte, u uint64) []byte {
	if u < 10 {
		return append(b, byte('0'+u))
	}
	n := decimalLen(u)
	at := len(b)
	b = slices.Grow(b, n)[:at+n]
	d := b[at:]
	i := n
	for u >= 100 {
		q := u % 100
		u /= 100
		i -= 2
		d[i], d[i+1] = digits2[2*q], digits2[2*q+1]
	}
	if u >= 10 {
		d[0], d[1] = digits2[2*u], digits2[2*u+1]
	} else {
		d[0] = byte('0' + u)
	}
	return b
}

// decimalLen returns the number of decimal digits of u > 0: log10 estimated from the bit
// length (1233/4096 ≈ log10(2)), corrected by one comparison.
func decimalLen(u uint64) int {
	t := bits.Len64(u) * 1233 >> 12
	if u >= pow10[t] {
		t++
	}
	return t
}

var pow10 = [20]uint64{
	1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
}
