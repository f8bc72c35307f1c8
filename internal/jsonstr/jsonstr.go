// Package jsonstr escapes strings for JSON the way log/slog's JSON handler does, fast: the
// JSON encoder of slogx and every other encoder of this module that writes JSON (OTLP's JSON
// mapping) share it, so the escaping rules cannot diverge.
package jsonstr

import (
	"encoding/binary"
	"slices"
	"unicode/utf8"

	"github.com/slogx/handlers/internal/swar"
)

// Append appends s to dst as a quoted JSON string, escaped as slog's JSON handler escapes
// (HTML left alone; invalid UTF-8 as U+FFFD; U+2028 and U+2029 escaped). It allocates
// nothing beyond growing dst.
func Append(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = AppendEscaped(dst, s)
	return append(dst, '"')
}

// AppendEscaped escapes s for JSON (HTML not escaped, as slog) without quotes.
//
// Most keys and values are plain ASCII, and most are short. Plain strings are found out a
// word at a time (see jsonSafe8, internal/swar): the first and the last word of the string, overlapping,
// cover any string of 4 to 16 bytes in two tests, and those two words are then stored as
// they are, so a key costs about twenty instructions whatever its length and no copy call.
// Longer strings (messages) are scanned word by word and copied whole.
func AppendEscaped(buf []byte, s string) []byte {
	n := len(s)
	switch {
	case n > 16:
		i := 0
		for ; i+8 <= n; i += 8 {
			if !jsonSafe8(swar.Load8(s[i:])) {
				return appendEscapedJSONFrom(buf, s, i)
			}
		}
		if i == n || jsonSafe8(swar.Load8(s[n-8:])) {
			return append(buf, s...)
		}
		return appendEscapedJSONFrom(buf, s, i)
	case n >= 8:
		w1, w2 := swar.Load8(s), swar.Load8(s[n-8:])
		if !jsonSafe8(w1) || !jsonSafe8(w2) {
			return appendEscapedJSONFrom(buf, s, 0)
		}
		at := len(buf)
		buf = slices.Grow(buf, n)[:at+n]
		binary.LittleEndian.PutUint64(buf[at:], w1)
		binary.LittleEndian.PutUint64(buf[at+n-8:], w2)
		return buf
	case n >= 4:
		w1, w2 := swar.Load4(s), swar.Load4(s[n-4:])
		if !jsonSafe8(uint64(w1) | uint64(w2)<<32) {
			return appendEscapedJSONFrom(buf, s, 0)
		}
		at := len(buf)
		buf = slices.Grow(buf, n)[:at+n]
		binary.LittleEndian.PutUint32(buf[at:], w1)
		binary.LittleEndian.PutUint32(buf[at+n-4:], w2)
		return buf
	}
	for i := range n {
		if !jsonPlain[s[i]] {
			return appendEscapedJSONFrom(buf, s, i)
		}
	}
	return append(buf, s...)
}

// jsonSafe8 reports whether none of the 8 bytes of w needs escaping in JSON: none is a
// control character, '"', '\\' or non-ASCII. It tests the eight at once.
func jsonSafe8(w uint64) bool {
	const ones, highs = swar.Ones, swar.Highs
	q, bs := w^(ones*'"'), w^(ones*'\\')
	return (w|(w-ones*0x20)&^w|(q-ones)&^q|(bs-ones)&^bs)&highs == 0
}

// appendEscapedJSONFrom escapes s, whose first i bytes need no escaping.
func appendEscapedJSONFrom(buf []byte, s string, i int) []byte {
	start := 0
	for i < len(s) {
		if b := s[i]; b < utf8.RuneSelf {
			if safeSet[b] {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\')
			switch b {
			case '\\', '"':
				buf = append(buf, b)
			case '\n':
				buf = append(buf, 'n')
			case '\r':
				buf = append(buf, 'r')
			case '\t':
				buf = append(buf, 't')
			default:
				buf = append(buf, 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		// U+2028 and U+2029 are valid JSON but break JSONP; encoding/json escapes them.
		if c == '\u2028' || c == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(buf, s[start:]...)
}

const hex = "0123456789abcdef"

// safeSet[b] is true for ASCII bytes that need no escaping in a JSON string.
var safeSet = func() (t [utf8.RuneSelf]bool) {
	for i := 0x20; i < utf8.RuneSelf; i++ {
		t[i] = i != '"' && i != '\\'
	}
	return t
}()

// jsonPlain is safeSet over all 256 byte values (non-ASCII is not plain): indexing it with a
// byte needs no bounds check, which keeps the per-byte loop to a load and a branch.
var jsonPlain = func() (t [256]bool) {
	copy(t[:], safeSet[:])
	return t
}()

// Plain reports whether b needs no escaping inside a JSON string; false for the bytes of
// non-ASCII characters, which need a look at the whole rune.
func Plain(b byte) bool { return jsonPlain[b] }
