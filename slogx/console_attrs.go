package slogx

import (
	"bytes"
	"log/slog"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slogx/handlers/internal/attrwalk"
	"github.com/slogx/handlers/internal/buffer"
)

// consoleState holds what one Console Append (or WithAttrs) call needs.
type consoleState struct {
	e       *console
	buf     []byte
	started bool // a field is written: the next one needs a separator
	pad     int  // spaces owed to the level column, written only if a field follows
	prefix  *[]byte
	block   *[]byte // multi-line values, written after the line
	pooled  bool    // block came from the pool
	walk    attrwalk.Walker
}

const spaces = "      "

// field starts a field: the separator, and the level column's padding if it is owed.
func (s *consoleState) field() {
	if s.started {
		s.buf = append(s.buf, spaces[:max(s.pad, 0)+1]...)
	}
	s.started, s.pad = true, 0
}

func (s *consoleState) color(code string) {
	if s.e.color {
		s.buf = append(s.buf, code...)
	}
}

func (s *consoleState) free() {
	s.walk.End()
	if s.prefix != nil {
		buffer.Put(s.prefix)
		s.prefix = nil
	}
	if s.pooled {
		buffer.Put(s.block)
		s.block, s.pooled = nil, false
	}
}

func (s *consoleState) prefixWrite(p string) {
	if s.prefix == nil {
		s.prefix = buffer.Get()
	}
	*s.prefix = append(*s.prefix, p...)
}

// attr writes a as slog's rules have it: the walker decides, this writes.
func (s *consoleState) attr(a slog.Attr) {
	if s.walk.Plain(a) {
		s.leaf(a)
		return
	}
	s.walk.Add(a)
	for {
		switch s.walk.Next() {
		case attrwalk.Done:
			return
		case attrwalk.Open:
			s.prefixWrite(s.walk.Key())
			*s.prefix = append(*s.prefix, '.')
		case attrwalk.Close:
			*s.prefix = (*s.prefix)[:len(*s.prefix)-len(s.walk.Key())-1]
		case attrwalk.Leaf:
			s.leaf(s.walk.Attr())
		}
	}
}

func (s *consoleState) leaf(a slog.Attr) {
	v := a.Value
	switch v.Kind() {
	case slog.KindString:
		if str := v.String(); strings.IndexByte(str, '\n') >= 0 {
			s.addBlock(a.Key, str)
			return
		}
	case slog.KindAny:
		if src, ok := v.Any().(*slog.Source); ok {
			v = slog.StringValue(sourceText(src)) // file:line, as Text writes it
			break
		}
		// Errors and other values get their text as Text gives it; a quoted one may hide
		// newlines, and then it goes below the line instead.
		mark, started, pad := len(s.buf), s.started, s.pad
		s.key(a.Key)
		n := len(s.buf)
		s.buf = appendTextValue(s.buf, v)
		if val := s.buf[n:]; len(val) > 0 && val[0] == '"' && bytes.IndexByte(val, '\\') >= 0 {
			if str, err := strconv.Unquote(string(val)); err == nil && strings.IndexByte(str, '\n') >= 0 {
				s.buf, s.started, s.pad = s.buf[:mark], started, pad
				s.addBlock(a.Key, str)
			}
		}
		return
	}
	s.key(a.Key)
	s.buf = appendTextValue(s.buf, v)
}

func (s *consoleState) key(k string) {
	s.field()
	s.color(ansiDim)
	s.buf = s.appendKey(s.buf, k)
	s.buf = append(s.buf, '=')
	s.color(ansiReset)
}

// appendKey appends the dotted key, quoted as Text quotes keys.
func (s *consoleState) appendKey(b []byte, k string) []byte {
	if s.prefix != nil && len(*s.prefix) > 0 {
		return appendTextTwoStrings(b, string(*s.prefix), k)
	}
	return appendTextString(b, k)
}

// addBlock writes a multi-line value below the line: "\n  key:" then each line of str
// indented by four spaces, control characters escaped.
func (s *consoleState) addBlock(k, str string) {
	if s.block == nil {
		s.block, s.pooled = buffer.Get(), true
	}
	b := append(*s.block, '\n', ' ', ' ')
	if s.e.color {
		b = append(b, ansiDim...)
	}
	b = s.appendKey(b, k)
	b = append(b, ':')
	if s.e.color {
		b = append(b, ansiReset...)
	}
	str = strings.TrimSuffix(str, "\n")
	for {
		line, rest, more := strings.Cut(str, "\n")
		b = append(b, "\n    "...)
		b = appendEscapedLine(b, strings.TrimSuffix(line, "\r"))
		if !more {
			break
		}
		str = rest
	}
	*s.block = b
}

// appendConsoleText appends a message (or a built-in ReplaceAttr made a string) as is when
// it is one line of printable text, and quoted as Go quotes strings otherwise.
func appendConsoleText(b []byte, s string) []byte {
	if consolePrintable(s) {
		return append(b, s...)
	}
	return strconv.AppendQuote(b, s)
}

// consolePrintable reports whether s is valid UTF-8 free of control characters (tab
// excepted), so that written to a terminal it stays on its line and changes nothing.
func consolePrintable(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if consoleASCII[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !runePrintable(r, size) {
			return false
		}
		i += size
	}
	return true
}

// consoleASCII[c] is true for the bytes written as they are: printable ASCII and tab.
var consoleASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['\t'] = true
	return t
}()

// runePrintable is for non-ASCII runes: printable or a space, and neither a C1 control
// (U+0085 included), nor a line or paragraph separator, nor invalid UTF-8.
func runePrintable(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1, r < 0xa0, r == '\u2028', r == '\u2029':
		return false
	}
	return unicode.IsPrint(r) || unicode.IsSpace(r)
}

// appendEscapedLine appends one line of a multi-line value as is, but for control
// characters and invalid bytes, escaped as Go escapes them (\x1b, \u0085, \xff).
func appendEscapedLine(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t') || c == 0x7f {
				b = append(b, s[start:i]...)
				b = append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
				start = i + 1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !runePrintable(r, size) {
			b = append(b, s[start:i]...)
			if size == 1 {
				b = append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
			} else if r <= 0xffff {
				b = append(b, '\\', 'u')
				b = appendHex(b, uint32(r), 4)
			} else {
				b = append(b, '\\', 'U')
				b = appendHex(b, uint32(r), 8)
			}
			start = i + size
		}
		i += size
	}
	return append(b, s[start:]...)
}

// appendHex appends the n low hex digits of x.
func appendHex(b []byte, x uint32, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		b = append(b, hex[x>>(4*i)&0xf])
	}
	return b
}

// hex is the digits of \x escapes.
const hex = "0123456789abcdef"
