package slogx

import (
	"strconv"
	"unicode/utf8"
)

// PatternOptions are Pattern's settings beyond the format and the date format.
type PatternOptions struct {
	// EscapeControls writes the control characters of the record's text fields (message,
	// name, and every other field converted with %s) as Go escapes instead of raw: LF as
	// `\n`, CR as `\r`, TAB as `\t`, other C0 controls and DEL as `\x1b`, and the Unicode
	// line terminators U+0085, U+2028 and U+2029 as `\u2028`. A message can then never
	// start a line of its own in a file: every record is exactly one line. Backslashes are
	// left as they are (so a message is not reversibly decodable, but Windows paths stay
	// legible). The format's own literal text is never escaped, and %(attrs)s is escaped
	// anyway, as Text quotes values.
	//
	// The zero value writes fields raw, as CPython's logging.Formatter does.
	EscapeControls bool
}

// PatternWith is Pattern with options. Pattern(format, datefmt) is
// PatternWith(format, datefmt, PatternOptions{}).
func PatternWith(format, datefmt string, o PatternOptions) (Encoder, error) {
	e, err := Pattern(format, datefmt)
	if err != nil {
		return nil, err
	}
	e.(*pattern).escape = o.EscapeControls
	return e, nil
}

// appendPatternText appends s, with control characters and line terminators escaped when
// escape is set.
func appendPatternText(b []byte, s string, escape bool) []byte {
	if !escape {
		return append(b, s...)
	}
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c < utf8.RuneSelf { // C0 or DEL
			b = append(b, s[start:i]...)
			b = appendControlEscape(b, rune(c))
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '\u0085' || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = appendControlEscape(b, r)
			start = i + size
		}
		i += size
	}
	return append(b, s[start:]...)
}

// appendControlEscape appends r as strconv.Quote would write it, without the quotes.
func appendControlEscape(b []byte, r rune) []byte {
	var buf [utf8.UTFMax * 3]byte // strconv.AppendQuoteRune's worst case: '\U0010ffff'
	q := strconv.AppendQuoteRune(buf[:0], r)
	return append(b, q[1:len(q)-1]...)
}
