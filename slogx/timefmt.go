package slogx

import "time"

// appendRFC3339Millis appends t as slog.TextHandler does: RFC 3339 with exactly three
// fractional digits.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	// RFC3339Nano trims trailing zeros; adding 1/10 ms guarantees four digits, then the
	// fourth is dropped (slog's own trick, kept for identical output).
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...)
}

func appendTimeRFC3339Nano(b []byte, t time.Time) []byte {
	return t.AppendFormat(b, time.RFC3339Nano)
}

// appendDuration appends d as time.Duration.String does (as slog.TextHandler prints it).
func appendDuration(b []byte, d time.Duration) []byte {
	return append(b, d.String()...)
}
