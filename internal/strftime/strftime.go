// Package strftime formats times with C/Python strftime directives, for the two places that
// speak Python's time formats: Pattern's datefmt (Formatter.formatTime) and the backup suffixes
// of timed rotation.
package strftime

import (
	"fmt"
	"strconv"
	"time"
)

// Format is a compiled strftime format. Python's Formatter.formatTime passes datefmt to
// time.strftime, so formats written for Python keep working.
type Format []part

type part struct {
	lit string // literal text, when dir == 0
	dir byte   // directive letter
}

// Compile parses f, rejecting directives it does not implement, so that a typo fails at
// construction instead of printing garbage in every record. Directives: %Y %m %d %e %H %M %S
// %y %b %B %a %A %p %I %j %z %Z %f (microseconds, as datetime.strftime) and %%.
func Compile(f string) (Format, error) {
	var out Format
	lit := []byte{}
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			lit = append(lit, f[i])
			continue
		}
		if i+1 >= len(f) {
			return nil, fmt.Errorf("datefmt %q: trailing %%", f)
		}
		i++
		d := f[i]
		if d == '%' {
			lit = append(lit, '%')
			continue
		}
		switch d {
		case 'Y', 'm', 'd', 'H', 'M', 'S', 'y', 'b', 'B', 'a', 'A', 'p', 'I', 'j', 'z', 'Z', 'e', 'f':
		default:
			return nil, fmt.Errorf("datefmt %q: unsupported directive %%%c", f, d)
		}
		if len(lit) > 0 {
			out = append(out, part{lit: string(lit)})
			lit = lit[:0]
		}
		out = append(out, part{dir: d})
	}
	if len(lit) > 0 {
		out = append(out, part{lit: string(lit)})
	}
	return out, nil
}

func appendPad(b []byte, n, width int) []byte {
	var d [20]byte
	s := strconv.AppendInt(d[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// MustCompile is Compile for formats known to be valid; it panics on an error.
func MustCompile(f string) Format {
	out, err := Compile(f)
	if err != nil {
		panic(err)
	}
	return out
}

// Append appends t formatted by f to b.
func (f Format) Append(b []byte, t time.Time) []byte {
	for _, p := range f {
		switch p.dir {
		case 0:
			b = append(b, p.lit...)
		case 'Y':
			b = appendPad(b, t.Year(), 4)
		case 'm':
			b = appendPad(b, int(t.Month()), 2)
		case 'd':
			b = appendPad(b, t.Day(), 2)
		case 'e':
			if t.Day() < 10 {
				b = append(b, ' ')
			}
			b = appendPad(b, t.Day(), 1)
		case 'H':
			b = appendPad(b, t.Hour(), 2)
		case 'M':
			b = appendPad(b, t.Minute(), 2)
		case 'S':
			b = appendPad(b, t.Second(), 2)
		case 'y':
			b = appendPad(b, t.Year()%100, 2)
		case 'b':
			b = append(b, t.Month().String()[:3]...)
		case 'B':
			b = append(b, t.Month().String()...)
		case 'a':
			b = append(b, t.Weekday().String()[:3]...)
		case 'A':
			b = append(b, t.Weekday().String()...)
		case 'p':
			if t.Hour() < 12 {
				b = append(b, "AM"...)
			} else {
				b = append(b, "PM"...)
			}
		case 'I':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b = appendPad(b, h, 2)
		case 'j':
			b = appendPad(b, t.YearDay(), 3)
		case 'z':
			b = t.AppendFormat(b, "-0700")
		case 'Z':
			b = t.AppendFormat(b, "MST")
		case 'f':
			b = appendPad(b, t.Nanosecond()/1000, 6)
		}
	}
	return b
}
