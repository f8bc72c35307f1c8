// Package swar holds the word-at-a-time primitives ("SIMD within a register") of the
// encoders' string scans: JSON escaping (internal/jsonstr) and text quoting (slogx) test
// eight bytes of a string with a handful of arithmetic instructions instead of eight table
// lookups, which is what makes a key or a short value cost about twenty instructions.
package swar

// Ones and Highs are the constants of the byte tests. For a word w whose bytes are all below
// 0x80 (callers test the high bits themselves: w & Highs), (w - Ones*n) &^ w & Highs is
// non-zero iff some byte of w is below n (n <= 0x80). For any w, (w - Ones) &^ w & Highs is
// non-zero iff some byte of w is zero, and w ^ (Ones*c) has a zero byte exactly where w has
// the byte c.
const Ones, Highs = 0x0101010101010101, 0x8080808080808080

// Load8 returns the first 8 bytes of s as a little-endian word (one load: the compiler
// combines the byte loads).
func Load8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// Load4 is Load8 for 4 bytes.
func Load4(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}
