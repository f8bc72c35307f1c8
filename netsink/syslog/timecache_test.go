package syslog

import (
	"testing"
	"time"
)

// TestSyslogTimeCacheMatches checks that the cached TIMESTAMP is byte for byte what
// syslogAppendTimestamp writes, over hits and misses, zones whose offsets RFC 5424 cannot
// write, DST changes, years out of range and every microsecond digit position.
func TestSyslogTimeCacheMatches(t *testing.T) {
	amsterdam, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	var c syslogTimeCache
	check := func(tm time.Time) {
		t.Helper()
		want, wok := syslogAppendTimestamp([]byte("x"), tm)
		got, gok := c.appendTimestamp([]byte("x"), tm)
		if string(got) != string(want) || gok != wok {
			t.Fatalf("%v: got %q %v, want %q %v", tm, got, gok, want, wok)
		}
	}
	zones := []*time.Location{time.UTC, time.Local, amsterdam, time.FixedZone("", 5*3600+30*60+15),
		time.FixedZone("", -(5*3600 + 45*60)), time.FixedZone("", 25*3600)}
	base := []time.Time{
		time.Date(2026, 3, 29, 0, 59, 59, 999999999, time.UTC), // Amsterdam's DST change
		time.Date(2026, 10, 25, 0, 59, 59, 1000, time.UTC),
		time.Date(1920, 6, 1, 12, 0, 0, 123456789, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(0, 1, 1, 0, 0, 0, 5000, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 500000000, time.UTC),
	}
	for _, b := range base {
		for _, z := range zones {
			for _, d := range []time.Duration{0, 1, 999, 1000, 123456 * time.Microsecond, time.Second, time.Hour} {
				tm := b.Add(d).In(z)
				check(tm)
				check(tm) // a hit
				check(tm.Add(7 * time.Microsecond))
			}
		}
	}
}
