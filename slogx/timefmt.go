package slogx

import (
	"encoding/binary"
	"math/bits"
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
	// Room for the date, the fraction and a one-byte zone is made once; the date is a
	// fixed-size store into it (an array copy through a slice-to-array conversion, which the
	// compiler does inline), the fraction two stores: '.' and its first digit, then the other
	// eight computed at once (digits8), cut after the last non-zero one as RFC3339Nano does.
	at := len(b)
	b = slices.Grow(b, 19+10+8)
	d := (*[19 + 10 + 8]byte)(b[at : at+19+10+8])
	*(*[19]byte)(d[:19]) = e.date
	n := 19
	if ns := uint32(t.Nanosecond()); ns != 0 {
		first, rest := ns/1e8, ns%1e8
		binary.LittleEndian.PutUint16(d[19:], uint16('.')|uint16('0'+first)<<8)
		n += 2
		if rest != 0 {
			w := digits8(rest)
			binary.LittleEndian.PutUint64(d[21:], w)
			n += 8 - bits.LeadingZeros64(w-ascii0s)/8 // the trailing '0's are the high bytes
		}
	}
	b = b[:at+n]
	if len(e.zone) == 1 {
		return append(b, e.zone[0]) // "Z"
	}
	return append(b, e.zone...)
}

// appendRFC3339Millis appends t as slog.TextHandler does: RFC 3339 with exactly three
// fractional digits, truncated.
func (c *timeCache) appendRFC3339Millis(b []byte, t time.Time) []byte {
	e := c.entry(t)
	if e == nil {
		return appendRFC3339MillisSlow(b, t)
	}
	at := len(b)
	b = slices.Grow(b, 19)[:at+19]
	*(*[19]byte)(b[at:]) = e.date
	b = appendMillis(b, '.', t)
	if len(e.zone) == 1 {
		return append(b, e.zone[0]) // "Z"
	}
	return append(b, e.zone...)
}

// appendMillis appends sep and the three digits of t's millisecond.
func appendMillis(b []byte, sep byte, t time.Time) []byte {
	ms := uint32(t.Nanosecond()) / 1e6
	return append(b, sep, byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
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
