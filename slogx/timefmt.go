package slogx

import (
	"slices"
	"sync/atomic"
	"time"
)

// timeCache remembers the formatted date, clock and zone of the last second seen, so that
// formatting a record's time costs a copy and nine digits instead of a calendar computation.
// Records arrive in time order in practice, so one entry hits almost always; a miss costs one
// small allocation. It is shared by an encoder and all encoders derived from it.
type timeCache struct {
	last atomic.Pointer[timeEntry]
}

type timeEntry struct {
	sec  int64
	loc  *time.Location
	date [19]byte // 2006-01-02T15:04:05
	zone string   // Z or -07:00, as RFC 3339 prints it
}

// entry returns the cached entry for t, or nil when t cannot be formatted as RFC 3339 with a
// four-digit year (the slow path then reports it exactly as slog does).
func (c *timeCache) entry(t time.Time) *timeEntry {
	sec, loc := t.Unix(), t.Location()
	if e := c.last.Load(); e != nil && e.sec == sec && e.loc == loc {
		return e
	}
	if y := t.Year(); y < 0 || y >= 10000 {
		return nil
	}
	e := &timeEntry{sec: sec, loc: loc}
	b := t.AppendFormat(e.date[:0], "2006-01-02T15:04:05Z07:00")
	e.zone = string(b[19:])
	c.last.Store(e)
	return e
}

// appendRFC3339Nano appends t, whose second e is (see timeCache.entry), as time.RFC3339Nano
// formats it.
func (e *timeEntry) appendRFC3339Nano(b []byte, t time.Time) []byte {
	// Room for the date, the fraction and a one-byte zone is made once; date and fraction
	// are fixed-size stores into it (array copies through slice-to-array conversions, which
	// the compiler does inline), then the fraction is cut after its last non-zero digit as
	// RFC3339Nano does: no copy call per record.
	at := len(b)
	b = slices.Grow(b, 19+10+1)[:at+19+10]
	*(*[19]byte)(b[at:]) = e.date
	n := 19
	if ns := t.Nanosecond(); ns != 0 {
		// Nine digits, two at a time from a table.
		d := (*[10]byte)(b[at+19:])
		d[0] = '.'
		d[9] = byte('0' + ns%10)
		ns /= 10
		for i := 7; i >= 1; i -= 2 {
			q := ns % 100
			ns /= 100
			d[i], d[i+1] = digits2[2*q], digits2[2*q+1]
		}
		k := 10
		for d[k-1] == '0' {
			k--
		}
		n += k
	}
	b = b[:at+n]
	if len(e.zone) == 1 {
		return append(b, e.zone[0]) // "Z"
	}
	return append(b, e.zone...)
}

const digits2 = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// appendRFC3339Millis appends t as slog.TextHandler does: RFC 3339 with exactly three
// fractional digits, truncated.
func (c *timeCache) appendRFC3339Millis(b []byte, t time.Time) []byte {
	e := c.entry(t)
	if e == nil {
		return appendRFC3339MillisSlow(b, t)
	}
	ms := t.Nanosecond() / 1e6
	b = append(b, e.date[:]...)
	b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	return append(b, e.zone...)
}

func appendRFC3339MillisSlow(b []byte, t time.Time) []byte {
	// RFC3339Nano trims trailing zeros; adding 1/10 ms guarantees four digits, then the
	// fourth is dropped (slog's own trick, kept for identical output).
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...)
}

// appendDuration appends d as time.Duration.String does (as slog.TextHandler prints it).
func appendDuration(b []byte, d time.Duration) []byte {
	return append(b, d.String()...)
}
