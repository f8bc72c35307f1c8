package slogx

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// appendInt appends i in decimal, as strconv.AppendInt(b, i, 10) does.
//
// strconv formats into an array on its stack, two digits at a time from a table, and then
// copies into b; every record has an integer or two (a status, a duration in nanoseconds),
// and eight digits computed at once in a word (digits8) and stored where they belong cost
// about a quarter of the instructions.
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
	at := len(b)
	b = slices.Grow(b, 24) // 20 digits at most, written as three words
	d := (*[24]byte)(b[at : at+24])
	if u < 1e4 { // a status, a count: four digits in half a word
		w := digits4(uint32(u))
		lead := bits.TrailingZeros32(w-ascii0s&0xffffffff) / 8
		binary.LittleEndian.PutUint32(d[:], w>>(8*lead))
		return b[:at+4-lead]
	}
	if u < 1e8 {
		n := putDigitsTrimmed(d[:8], uint32(u))
		return b[:at+n]
	}
	var n int
	if hi := u / 1e8; hi < 1e8 {
		n = putDigitsTrimmed(d[:8], uint32(hi))
	} else {
		n = putDigitsTrimmed(d[:8], uint32(hi/1e8))
		binary.LittleEndian.PutUint64(d[n:], digits8(uint32(hi%1e8)))
		n += 8
	}
	binary.LittleEndian.PutUint64(d[n:], digits8(uint32(u%1e8)))
	return b[:at+n+8]
}

// putDigitsTrimmed writes the decimal digits of 0 < n < 1e8 to the start of d, which has
// room for 8, and returns how many there are.
func putDigitsTrimmed(d []byte, n uint32) int {
	w := digits8(n)
	lead := bits.TrailingZeros64(w-ascii0s) / 8 // leading '0's: the low bytes
	binary.LittleEndian.PutUint64(d, w>>(8*lead))
	return 8 - lead
}

// ascii0s is eight '0' bytes: digits8 adds it, and subtracting it gives the digit values.
const ascii0s = 0x30303030_30303030

// digits4 is digits8 for n < 1e4: four digits in the bytes of a 32-bit word.
func digits4(n uint32) uint32 {
	x := n/100 | (n%100)<<16
	t := (x * 103 >> 10) & 0xf_000f
	x = t | (x-t*10)<<8
	return x + ascii0s&0xffffffff
}

// digits8 returns the eight decimal digits of n < 1e8, zero-padded, as the bytes of a
// little-endian word: its first byte is the most significant digit. The digits are found
// in parallel ("SWAR"): the two halves of four digits in the two 32-bit lanes of a word,
// each split into two halves of two digits (16-bit lanes), each of those into two digits
// (bytes). Division by 100 and by 10 within a lane is a multiplication and a shift:
// x*10486>>20 is x/100 for x < 10,000 and x*103>>10 is x/10 for x < 100, and no product
// reaches the next lane (10,000*10,486 < 2^27, 100*103 < 2^14).
func digits8(n uint32) uint64 {
	x := uint64(n/10000) | uint64(n%10000)<<32
	h := (x * 10486 >> 20) & 0x7f_0000007f
	x = h | (x-h*100)<<16
	t := (x * 103 >> 10) & 0xf_000f_000f_000f
	x = t | (x-t*10)<<8
	return x + ascii0s
}
