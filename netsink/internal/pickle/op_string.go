package pickle

import (
	"strconv"
	"unicode/utf8"
)

// counted runs the opcodes that give a length, then the bytes: str for BINSTRING,
// SHORT_BINSTRING (Python 2 str, read as text), BINUNICODE, SHORT_BINUNICODE and
// BINUNICODE8; []byte for BINBYTES, SHORT_BINBYTES, BINBYTES8 and BYTEARRAY8.
func (m *machine) counted(code byte) error {
	width := 4 // BINSTRING, BINUNICODE, BINBYTES
	switch code {
	case 'U', 0x8c, 'C':
		width = 1
	case 0x8d, 0x8e, 0x96:
		width = 8
	}
	n, err := m.uint(width)
	if err != nil {
		return err
	}
	if code == 'T' && int32(uint32(n)) < 0 {
		return m.malformed("negative string length")
	}
	b, err := m.read(n)
	if err != nil {
		return err
	}
	switch code {
	case 'B', 'C', 0x8e, 0x96:
		m.push(append([]byte(nil), b...))
	default:
		m.push(string(b))
	}
	return nil
}

// quotedString runs STRING: a Python 2 str repr on one line.
func (m *machine) quotedString(byte) error {
	s, err := m.line()
	if err != nil {
		return err
	}
	v, ok := unrepr(s)
	if !ok {
		return m.malformed("STRING not quoted")
	}
	m.push(v)
	return nil
}

// unicodeLine runs UNICODE: raw-unicode-escape text on one line.
func (m *machine) unicodeLine(byte) error {
	s, err := m.line()
	if err != nil {
		return err
	}
	m.push(rawUnicode(s))
	return nil
}

// unrepr decodes a quoted Python 2 str repr; unknown escapes are kept as written.
func unrepr(s string) (string, bool) {
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return "", false
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
	return string(out), true
}

// rawUnicode decodes raw-unicode-escape: bytes are Latin-1 code points, except \uXXXX and
// \UXXXXXXXX.
func rawUnicode(s string) string {
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
