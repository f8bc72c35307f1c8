// Package jsonstr escapes strings for JSON the way log/slog's JSON handler does, fast: the
// JSON encoder of slogx and every other encoder of this module that writes JSON (OTLP's JSON
// mapping) share it, so the escaping rules cannot diverge.
package jsonstr

import (
	"encoding/binary"
	"unicode/utf8"

	"github.com/slogx/handlers/internal/swar"
)

// Append appends s to dst as a quoted JSON string, escaped as slog's JSON handler escapes
// (HTML left alone; invalid UTF-8 as U+FFFD; U+2028 and U+2029 escaped). It allocates
// nothing beyond growing dst.
//
// Most keys and values are plain ASCII, and most are short: a string of up to 16 bytes is
// tested a word at a time (see unsafeBits), at most two overlapping words, and when it needs
// no escaping it is stored with its quotes as those words, after one capacity check, with no
// copy call and no per-byte work: about twenty instructions whatever its length.
func Append(dst []byte, s string) []byte {
	n, at := len(s), len(dst)
	if n <= 16 && cap(dst)-at >= room {
		d := (*[room]byte)(dst[at : at+room])
		switch {
		case n >= 8:
			w1, w2 := swar.Load8(s), swar.Load8(s[n-8:])
			if (unsafeBits(w1)|unsafeBits(w2))&swar.Highs == 0 {
				d[0] = '"'
				binary.LittleEndian.PutUint64(d[1:], w1)
				binary.LittleEndian.PutUint64(d[n-7:], w2)
				d[n+1] = '"'
				return dst[:at+n+2]
			}
		case n >= 4:
			// Two words: a quote and the first four bytes, then the last four bytes and a
			// quote. Each word's top bytes are filler (the other half) that the second word
			// overwrites or that lies past the end: without it the compiler, seeing zeros
			// there, splits each 8-byte store into four.
			lo, hi := uint64(swar.Load4(s)), uint64(swar.Load4(s[n-4:]))
			if unsafeBits(lo|hi<<32)&swar.Highs == 0 {
				binary.LittleEndian.PutUint64(d[0:], '"'|lo<<8|hi<<40)
				binary.LittleEndian.PutUint64(d[n-3:], hi|'"'<<32|lo<<40)
				return dst[:at+n+2]
			}
		case n >= 1:
			// The first, middle and last bytes are every byte of a string of 1 to 3; the
			// rest of the word tested is 'a', which needs no escaping.
			c0, c1, c2 := s[0], s[n>>1], s[n-1]
			if unsafeBits(uint64(c0)|uint64(c1)<<8|uint64(c2)<<16|0x61616161_61000000)&swar.Highs == 0 {
				d[0], d[1] = '"', c0
				d[1+n>>1] = c1
				d[n] = c2
				d[n+1] = '"'
				return dst[:at+n+2]
			}
		default:
			d[0], d[1] = '"', '"'
			return dst[:at+2]
		}
	}
	dst = append(dst, '"')
	dst = AppendEscaped(dst, s)
	return append(dst, '"')
}

// AppendMember appends what precedes the value of an object member other than the first: a
// comma, key quoted and escaped as Append does, and a colon. A key of 4 to 16 bytes that
// needs no escaping is written with two or four stores.
func AppendMember(dst []byte, key string) []byte {
	n, at := len(key), len(dst)
	if n >= 4 && n <= 16 && cap(dst)-at >= room {
		d := (*[room]byte)(dst[at : at+room])
		if n <= 8 {
			// As in Append: two words with filler in their top bytes.
			lo, hi := uint64(swar.Load4(key)), uint64(swar.Load4(key[n-4:]))
			if unsafeBits(lo|hi<<32)&swar.Highs == 0 {
				binary.LittleEndian.PutUint64(d[0:], ','|'"'<<8|lo<<16|hi<<48)
				binary.LittleEndian.PutUint64(d[n-2:], hi|'"'<<32|':'<<40|lo<<48)
				return dst[:at+n+4]
			}
		} else {
			w1, w2 := swar.Load8(key), swar.Load8(key[n-8:])
			if (unsafeBits(w1)|unsafeBits(w2))&swar.Highs == 0 {
				binary.LittleEndian.PutUint16(d[0:], ','|'"'<<8)
				binary.LittleEndian.PutUint64(d[2:], w1)
				binary.LittleEndian.PutUint64(d[n-6:], w2)
				binary.LittleEndian.PutUint16(d[n+2:], '"'|':'<<8)
				return dst[:at+n+4]
			}
		}
	}
	dst = append(dst, ',')
	dst = Append(dst, key)
	return append(dst, ':')
}

// room is the spare capacity the word stores of Append and AppendMember need (they may
// write a few bytes past the end of what they append, within capacity).
const room = 24

// AppendEscaped escapes s for JSON (HTML not escaped, as slog) without quotes.
//
// Runs of bytes that need no escaping are found 32 or 16 bytes at a time (see unsafeBits)
// and copied whole: under two instructions per byte of plain text, the copy included.
func AppendEscaped(buf []byte, s string) []byte {
	i := 0
	for ; i <= len(s)-32; i += 32 {
		c := s[i : i+32]
		w1, w2, w3, w4 := swar.Load8(c), swar.Load8(c[8:]), swar.Load8(c[16:]), swar.Load8(c[24:])
		if unsafeBits4(w1, w2, w3, w4)&swar.Highs != 0 {
			break
		}
	}
	for ; i <= len(s)-16; i += 16 {
		if c := s[i : i+16]; (unsafeBits(swar.Load8(c))|unsafeBits(swar.Load8(c[8:])))&swar.Highs != 0 {
			break
		}
	}
	if i < len(s) && len(s) >= 16 && i+16 > len(s) {
		// The tail of a long string: its last 16 bytes, which overlap what was tested.
		if c := s[len(s)-16:]; (unsafeBits(swar.Load8(c))|unsafeBits(swar.Load8(c[8:])))&swar.Highs == 0 {
			return append(buf, s...)
		}
	}
	for ; i < len(s); i++ {
		if !jsonPlain[s[i]] {
			return appendEscapedJSONFrom(buf, s, i)
		}
	}
	return append(buf, s...)
}

// unsafeBits has the high bit of a byte set where a byte of w needs escaping in JSON — a
// control character, '"', '\\' or non-ASCII — and possibly above it; (unsafeBits(w) &
// swar.Highs) != 0 exactly when one does. Three tests, one per term:
//
//   - w: a byte at or above 0x80 has its high bit set already.
//   - (w ^ 0x02...) - 0x21...: xor with 2 maps the controls (0x00-0x1f) onto themselves and
//     '"' (0x22) to 0x20, and no other byte below 0x80 below 0x21, so the subtraction
//     borrows at a byte that is a control or '"'.
//   - (w ^ 0x5c...) - 0x01...: the xor zeroes a '\\', and the subtraction borrows there.
//
// Why that is exact without the usual &^ masks: a subtraction borrows into the next byte only
// from a byte that tests true, so no byte below the lowest one that does gets a high bit, and
// that one gets it (the byte minus 0x21 or 1 wraps to 0xdf and up). When no byte needs
// escaping, every byte is in [0x20, 0x7f], nothing borrows and no term sets a high bit.
func unsafeBits(w uint64) uint64 {
	const ones = swar.Ones
	return w | ((w ^ ones*0x02) - ones*0x21) | ((w ^ ones*'\\') - ones)
}

// unsafeBits4 is unsafeBits(w1) | unsafeBits(w2) | unsafeBits(w3) | unsafeBits(w4), with
// the first terms, which are linear, ored once.
func unsafeBits4(w1, w2, w3, w4 uint64) uint64 {
	const ones = swar.Ones
	return w1 | w2 | w3 | w4 |
		((w1 ^ ones*0x02) - ones*0x21) | ((w1 ^ ones*'\\') - ones) |
		((w2 ^ ones*0x02) - ones*0x21) | ((w2 ^ ones*'\\') - ones) |
		((w3 ^ ones*0x02) - ones*0x21) | ((w3 ^ ones*'\\') - ones) |
		((w4 ^ ones*0x02) - ones*0x21) | ((w4 ^ ones*'\\') - ones)
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
