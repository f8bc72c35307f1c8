package syslog

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the historic zones below, whatever the machine has installed

	"github.com/leodido/go-syslog/v4/rfc5424"
)

// TestSyslogTimestampInstant logs records at times RFC 5424 cannot write as they are (offsets
// with seconds, years outside 0000..9999) and checks that go-syslog's strict parser accepts
// every message and that its TIMESTAMP names the record's instant to the microsecond, or is
// the NILVALUE with the instant in the catch-all element.
func TestSyslogTimestampInstant(t *testing.T) {
	load := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	amsterdam, monrovia := load("Europe/Amsterdam"), load("Africa/Monrovia")
	for _, tc := range []struct {
		name string
		t    time.Time
		nil_ bool // the TIMESTAMP is the NILVALUE
		wire string
	}{
		{"Amsterdam 1920 +00:19:32", time.Date(1920, 6, 1, 12, 0, 0, 123456789, amsterdam), false, "1920-06-01T10:40:28.123456Z"}, // summer time: +01:19:32,
		{"Monrovia 1960 -00:44:30", time.Date(1960, 6, 1, 12, 0, 0, 0, monrovia), false, "1960-06-01T12:44:30.000000Z"},
		{"Monrovia 1980 +00:00", time.Date(1980, 6, 1, 12, 0, 0, 0, monrovia), false, "1980-06-01T12:00:00.000000Z"},
		{"FixedZone +05:30:15", time.Date(2026, 1, 2, 3, 4, 5, 6000, time.FixedZone("", 5*3600+30*60+15)), false, "2026-01-01T21:33:50.000006Z"},
		{"FixedZone -00:00:01", time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", -1)), false, "2026-01-02T03:04:06.000000Z"},
		{"FixedZone +25:00", time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", 25*3600)), false, "2026-01-01T02:04:05.000000Z"},
		{"FixedZone -05:45 kept", time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", -(5*3600+45*60))), false, "2026-01-02T03:04:05.000000-05:45"},
		{"year 0000", time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), false, "0000-01-01T00:00:00.000000Z"},
		{"year 9999", time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), false, "9999-12-31T23:59:59.999999Z"},
		{"year 10000 local, 9999 UTC", time.Date(10000, 1, 1, 0, 30, 0, 0, time.FixedZone("", 3600)), false, "9999-12-31T23:30:00.000000Z"},
		{"year -1 local, 0000 UTC", time.Date(-1, 12, 31, 23, 30, 0, 0, time.FixedZone("", -3600)), false, "0000-01-01T00:30:00.000000Z"},
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), true, ""},
		{"year -1", time.Date(-1, 6, 1, 0, 0, 0, 0, time.UTC), true, ""},
		{"year 292277026596", time.Unix(1<<62, 0), true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, sdID := range []string{"", "all@32473"} {
				o := Options{Hostname: "h", AppName: "a", ProcID: "1", StructuredDataID: sdID}
				msg := syslogEncode(t, o, false, nil, func(l *slog.Logger) {
					r := slog.NewRecord(tc.t, slog.LevelInfo, "m", 0)
					r.AddAttrs(slog.Int("k", 1))
					l.Handler().Handle(context.Background(), r)
				})
				m, err := rfc5424.NewParser().Parse([]byte(msg))
				if err != nil {
					t.Fatalf("strict parser refuses %q: %v", msg, err)
				}
				sm := m.(*rfc5424.SyslogMessage)
				if tc.nil_ {
					if sm.Timestamp != nil {
						t.Fatalf("%q: TIMESTAMP %v, want the NILVALUE", msg, sm.Timestamp)
					}
					if sdID == "" {
						continue
					}
					got := (*sm.StructuredData)[sdID][syslogTimeParam]
					if want := tc.t.Format(time.RFC3339Nano); got != want {
						t.Fatalf("%q: SD time %q, want %q", msg, got, want)
					}
					continue
				}
				if !strings.Contains(msg, " "+tc.wire+" ") {
					t.Errorf("%q: want TIMESTAMP %s", msg, tc.wire)
				}
				if sm.Timestamp == nil || !sm.Timestamp.Equal(tc.t.Truncate(time.Microsecond)) {
					t.Fatalf("%q: TIMESTAMP %v, want the instant %v", msg, sm.Timestamp, tc.t.UTC())
				}
				if sdID != "" {
					if _, ok := (*sm.StructuredData)[sdID][syslogTimeParam]; ok {
						t.Fatalf("%q: time param with a valid TIMESTAMP", msg)
					}
				}
			}
		})
	}
}

// TestSyslogStampCache checks the cached RFC 3164 TIMESTAMP against time.Stamp across seconds,
// zones and single-digit days, alternating so every lookup after the first changes the key.
func TestSyslogStampCache(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no zoneinfo:", err)
	}
	var c syslogStampCache
	base := time.Date(2026, 3, 1, 23, 59, 58, 999_999_999, time.UTC)
	for i := range 200 {
		tm := base.Add(time.Duration(i) * 500 * time.Millisecond)
		for _, loc := range []*time.Location{time.UTC, ny, time.FixedZone("x", 5*3600+30*60)} {
			lt := tm.In(loc)
			if got, want := string(c.appendStamp([]byte("<1>"), lt)), "<1>"+lt.Format(time.Stamp); got != want {
				t.Fatalf("%v: got %q, want %q", lt, got, want)
			}
		}
	}
}
