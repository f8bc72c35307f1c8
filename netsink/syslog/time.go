package syslog

import (
	"slices"
	"sync/atomic"
	"time"
)

// syslogTimeLayout is RFC 5424's TIMESTAMP with TIME-SECFRAC at its maximum, microseconds.
const syslogTimeLayout = "2006-01-02T15:04:05.000000Z07:00"

// syslogTimeParam is the PARAM-NAME that carries, in the catch-all SD-ELEMENT, the instant
// of a record whose TIMESTAMP had to be the NILVALUE.
const syslogTimeParam = "time"

// syslogAppendTimestamp appends t as an RFC 5424 TIMESTAMP naming t's instant to the
// microsecond, and reports whether it could: RFC 5424 has a 4-digit year and an offset of
// hours and minutes, so
//   - an offset with seconds (LMT zones such as Europe/Amsterdam before 1937, any
//     time.FixedZone with seconds) or of a day or more is written in UTC ("Z"), since
//     hh:mm would name another instant;
//   - a year outside 0000..9999 in t's zone is written in UTC if it is in range there;
//   - otherwise the NILVALUE "-" is written and false is returned: a message with an
//     unparsable TIMESTAMP would be rejected whole by strict receivers.
func syslogAppendTimestamp(dst []byte, t time.Time) ([]byte, bool) {
	if _, off := t.Zone(); off%60 != 0 || off <= -24*3600 || off >= 24*3600 {
		t = t.UTC()
	}
	if y := t.Year(); y < 0 || y > 9999 {
		t = t.UTC()
		if y := t.Year(); y < 0 || y > 9999 {
			return append(dst, '-'), false
		}
	}
	return t.AppendFormat(dst, syslogTimeLayout), true
}

// syslogTimeCache remembers the RFC 5424 TIMESTAMP of the last second seen, split around the
// microseconds: formatting a record's time then costs a copy and six digits instead of a
// calendar computation (over a thousand instructions). Records arrive in time order in
// practice, so one entry hits almost always; a miss costs one small allocation. It is shared
// by an encoder and the encoders derived from it (it lives in their syslogConfig).
type syslogTimeCache struct {
	last atomic.Pointer[syslogTimeEntry]
}

type syslogTimeEntry struct {
	sec  int64          // t.Unix() of the record's time
	loc  *time.Location // and its location: the key
	date [19]byte       // 2006-01-02T15:04:05, in the zone syslogAppendTimestamp chose
	zone string         // Z or -07:00
}

// appendTimestamp is syslogAppendTimestamp, with the date, clock and zone from the cache.
func (c *syslogTimeCache) appendTimestamp(dst []byte, t time.Time) ([]byte, bool) {
	sec, loc := t.Unix(), t.Location()
	e := c.last.Load()
	if e == nil || e.sec != sec || e.loc != loc {
		// The zone rules of syslogAppendTimestamp are applied on a miss only: they depend on
		// the second and the location alone, as the entry does.
		b, ok := syslogAppendTimestamp(make([]byte, 0, len(syslogTimeLayout)), t)
		if !ok {
			return append(dst, b...), false
		}
		e = &syslogTimeEntry{sec: sec, loc: loc, zone: string(b[len("2006-01-02T15:04:05.000000"):])}
		copy(e.date[:], b)
		c.last.Store(e)
	}
	// Date and clock as one fixed-size store, then the microseconds, truncated as the
	// layout's .000000 truncates, two digits at a time.
	at := len(dst)
	dst = slices.Grow(dst, 26)[:at+26]
	d := (*[26]byte)(dst[at:])
	copy(d[:19], e.date[:])
	us := t.Nanosecond() / 1000
	d[19] = '.'
	d[25] = byte('0' + us%10)
	us /= 10
	d[24] = byte('0' + us%10)
	us /= 10
	for i := 22; i >= 20; i -= 2 {
		q := us % 100
		us /= 100
		d[i], d[i+1] = syslogDigits2[2*q], syslogDigits2[2*q+1]
	}
	return append(dst, e.zone...), true
}

const syslogDigits2 = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// syslogStampCache remembers RFC 3164's TIMESTAMP ("Jan _2 15:04:05", time.Stamp) of the
// last second seen, as syslogTimeCache does RFC 5424's: time.Stamp has no fraction, so a hit
// is one 15-byte copy instead of a calendar computation per record.
type syslogStampCache struct {
	last atomic.Pointer[syslogStampEntry]
}

type syslogStampEntry struct {
	sec   int64
	loc   *time.Location
	stamp [len(time.Stamp)]byte
}

// appendStamp appends t.Format(time.Stamp).
func (c *syslogStampCache) appendStamp(dst []byte, t time.Time) []byte {
	sec, loc := t.Unix(), t.Location()
	e := c.last.Load()
	if e == nil || e.sec != sec || e.loc != loc {
		e = &syslogStampEntry{sec: sec, loc: loc}
		t.AppendFormat(e.stamp[:0], time.Stamp) // always 15 bytes: the day is space-padded
		c.last.Store(e)
	}
	return append(dst, e.stamp[:]...)
}
