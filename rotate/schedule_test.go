package rotate

import (
	"math/rand"
	"testing"
	"time"
	_ "time/tzdata" // the Go side needs no system zoneinfo; python3 does (TZ=...)
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("time zone %s: %v", name, err)
	}
	return loc
}

type pyCase struct {
	TZ       string `json:"tz"`
	When     string `json:"when"`
	Interval int    `json:"interval"`
	UTC      bool   `json:"utc"`
	At       *int64 `json:"at"`
	T        int64  `json:"t"`
}

// TestNextRolloverMatchesCPython compares NextRollover with CPython's computeRollover on
// thousands of (time, options) pairs, many of them around DST changes in New York and London,
// in one python3 process.
func TestNextRolloverMatchesCPython(t *testing.T) {
	python(t)
	rng := rand.New(rand.NewSource(1))
	zones := []string{"UTC", "America/New_York", "Europe/London"}
	whens := []string{"S", "s", "M", "H", "h", "D", "MIDNIGHT", "midnight",
		"W0", "W1", "W2", "W3", "w4", "W5", "W6"}
	// Instants near DST changes (UTC): New York 2024-03-10, 2024-11-03; London 2024-03-31,
	// 2024-10-27; and 2025's.
	dst := []int64{1710054000, 1730613600, 1711846800, 1729990800, 1741503600, 1762063200,
		1743296400, 1761440400}
	var cases []pyCase
	for i := 0; i < 6000; i++ {
		c := pyCase{
			TZ:       zones[rng.Intn(len(zones))],
			When:     whens[rng.Intn(len(whens))],
			Interval: 1,
			UTC:      rng.Intn(4) == 0,
		}
		if rng.Intn(3) == 0 {
			c.Interval = 1 + rng.Intn(5)
		}
		if rng.Intn(2) == 0 {
			at := int64(1 + rng.Intn(86399)) // 0 is Python's time(0,0), which we spell as None
			if rng.Intn(4) == 0 {
				at = int64(rng.Intn(24)) * 3600 // on the hour: where DST bites
				if at == 0 {
					at = 3600
				}
			}
			c.At = &at
		}
		switch rng.Intn(4) {
		case 0: // anywhere in 2000..2037
			c.T = 946684800 + rng.Int63n(1200000000)
		case 1: // on a midnight or an hour boundary, and the second before
			base := 1700000000 + rng.Int63n(100000000)
			c.T = base - base%3600 - int64(rng.Intn(2))
		default: // within three days of a DST change, hour or second granularity
			d := dst[rng.Intn(len(dst))]
			if rng.Intn(2) == 0 {
				c.T = d + int64(rng.Intn(145)-72)*3600
			} else {
				c.T = d + rng.Int63n(6*86400) - 3*86400
			}
		}
		cases = append(cases, c)
	}
	var ans struct {
		Version []int   `json:"version"`
		Results []int64 `json:"results"`
	}
	runPython(t, map[string]any{"mode": "rollover", "cases": cases}, &ans)
	needCPython311(t, ans.Version)
	if len(ans.Results) != len(cases) {
		t.Fatalf("python returned %d results for %d cases", len(ans.Results), len(cases))
	}
	t.Logf("CPython %v: %d cases", ans.Version, len(cases))
	locs := map[string]*time.Location{}
	for _, z := range zones {
		locs[z] = mustLoc(t, z)
	}
	bad := 0
	for i, c := range cases {
		o := TimedOptions{When: c.When, Interval: c.Interval, UTC: c.UTC, Location: locs[c.TZ]}
		if c.At != nil {
			o.AtTime = time.Duration(*c.At) * time.Second
		}
		got := NextRollover(o, time.Unix(c.T, 0)).Unix()
		if got != ans.Results[i] {
			bad++
			if bad <= 10 {
				t.Errorf("case %+v at=%v: NextRollover = %d (%s), CPython = %d (%s)", c, o.AtTime,
					got, time.Unix(got, 0).In(locs[c.TZ]), ans.Results[i], time.Unix(ans.Results[i], 0).In(locs[c.TZ]))
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d cases differ from CPython", bad, len(cases))
	}
}

func TestNextRolloverExamples(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04:05", s, ny)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		o    TimedOptions
		t    string
		want string
	}{
		{TimedOptions{When: "H"}, "2024-05-01 10:17:03", "2024-05-01 11:17:03"},
		{TimedOptions{When: "m", Interval: 5}, "2024-05-01 10:17:03", "2024-05-01 10:22:03"},
		{TimedOptions{When: "midnight"}, "2024-05-01 10:17:03", "2024-05-02 00:00:00"},
		{TimedOptions{When: "MIDNIGHT", AtTime: 13*time.Hour + 45*time.Minute}, "2024-05-01 14:15:00", "2024-05-02 13:45:00"},
		// CPython 3.11 rolls W0 at the midnight that ends Monday.
		{TimedOptions{When: "W0"}, "2024-05-01 10:00:00", "2024-05-07 00:00:00"},
		// Python computes on wall-clock seconds: on the spring-forward day, 03:00 is reached
		// one hour late, at 04:00 EDT.
		{TimedOptions{When: "MIDNIGHT", AtTime: 3 * time.Hour}, "2024-03-10 00:30:00", "2024-03-10 04:00:00"},
	}
	for _, tc := range tests {
		tc.o.Location = ny
		got := NextRollover(tc.o, at(tc.t))
		if w := at(tc.want); !got.Equal(w) {
			t.Errorf("NextRollover(%+v, %s) = %s, want %s", tc.o, tc.t, got, w)
		}
	}
	if got := NextRollover(TimedOptions{When: "X"}, time.Now()); !got.IsZero() {
		t.Errorf("invalid When: got %v, want zero time", got)
	}
}

func TestTimedOptionsValidation(t *testing.T) {
	for _, o := range []TimedOptions{{When: "W7"}, {When: "W"}, {When: "W12"}, {When: "Y"},
		{When: "D", AtTime: -time.Second}, {When: "D", AtTime: 24 * time.Hour}} {
		if _, err := NewTimed(t.TempDir()+"/a.log", o); err == nil {
			t.Errorf("NewTimed(%+v): no error", o)
		}
	}
}

func TestFormatSuffix(t *testing.T) {
	tm := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for pattern, want := range map[string]string{
		"%Y-%m-%d_%H-%M-%S": "2026-01-02_03-04-05",
		"%Y-%m-%d_%H-%M":    "2026-01-02_03-04",
		"%Y-%m-%d_%H":       "2026-01-02_03",
		"%Y-%m-%d":          "2026-01-02",
	} {
		if got := formatSuffix(pattern, tm); got != want {
			t.Errorf("formatSuffix(%q) = %q, want %q", pattern, got, want)
		}
	}
}
