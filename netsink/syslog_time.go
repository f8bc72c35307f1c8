package netsink

import "time"

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
