package rotate

import (
	"fmt"
	"github.com/slogx/handlers/internal/strftime"
	"strings"
	"time"
)

// schedule is a validated TimedOptions: the parts of CPython's TimedRotatingFileHandler.__init__
// that computeRollover and doRollover read.
type schedule struct {
	when      string // upper case: S, M, H, D, MIDNIGHT, W0..W6
	interval  int64  // seconds between rollovers (unit * Interval)
	dayOfWeek int    // 0 = Monday, for W0..W6
	utc       bool
	atTime    int64 // seconds after midnight; -1 means Python's atTime=None
	loc       *time.Location
	suffix    string // strftime pattern, for the backup name
}

// newSchedule validates o as CPython's constructor does and returns the schedule.
func newSchedule(o TimedOptions) (schedule, error) {
	s := schedule{when: strings.ToUpper(o.When), utc: o.UTC, atTime: -1, loc: o.Location}
	if s.when == "" {
		s.when = "H" // Python's default when='h'
	}
	if s.loc == nil {
		s.loc = time.Local
	}
	if s.utc {
		s.loc = time.UTC
	}
	var unit int64
	switch {
	case s.when == "S":
		unit, s.suffix = 1, "%Y-%m-%d_%H-%M-%S"
	case s.when == "M":
		unit, s.suffix = 60, "%Y-%m-%d_%H-%M"
	case s.when == "H":
		unit, s.suffix = 3600, "%Y-%m-%d_%H"
	case s.when == "D" || s.when == "MIDNIGHT":
		unit, s.suffix = 86400, "%Y-%m-%d"
	case strings.HasPrefix(s.when, "W"):
		if len(s.when) != 2 || s.when[1] < '0' || s.when[1] > '6' {
			return s, fmt.Errorf("invalid day for weekly rollover %q (want W0..W6, 0 is Monday)", o.When)
		}
		unit, s.suffix = 7*86400, "%Y-%m-%d"
		s.dayOfWeek = int(s.when[1] - '0')
	default:
		return s, fmt.Errorf("invalid rollover interval %q (want S, M, H, D, MIDNIGHT or W0..W6)", o.When)
	}
	iv := int64(o.Interval)
	if iv <= 0 {
		iv = 1 // Python loops forever on interval 0; one unit is the only useful reading
	}
	s.interval = unit * iv
	if o.AtTime != 0 {
		if o.AtTime < 0 || o.AtTime >= 24*time.Hour {
			return s, fmt.Errorf("AtTime %v is not within one day", o.AtTime)
		}
		// datetime.time has whole seconds for our purpose: Python reads hour, minute, second.
		s.atTime = int64(o.AtTime / time.Second)
	}
	return s, nil
}

// NextRollover returns the time of the next rollover after t, exactly as CPython 3.11's
// TimedRotatingFileHandler.computeRollover(int(t)) computes it: S, M, H and D add the interval
// to t; MIDNIGHT and W0-W6 go to the next midnight (or AtTime) in local time (o.Location,
// time.Local when nil) or UTC, computed on wall-clock seconds, with CPython's one-hour
// correction when a weekly rollover crosses a DST change. Like CPython, MIDNIGHT ignores
// Interval here. t is truncated to whole seconds.
//
// NextRollover is a pure function of its arguments. An invalid o (see NewTimed) yields the
// zero Time.
func NextRollover(o TimedOptions, t time.Time) time.Time {
	s, err := newSchedule(o)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(s.compute(t.Unix()), 0).In(s.loc)
}

const day = 86400

// compute is CPython 3.11's computeRollover on integer seconds.
func (s *schedule) compute(now int64) int64 {
	result := now + s.interval
	if s.when != "MIDNIGHT" && s.when[0] != 'W' {
		return result
	}
	t := time.Unix(now, 0).In(s.loc)
	curDay := (int(t.Weekday()) + 6) % 7 // Python's tm_wday: 0 is Monday
	rotateTS := int64(day)
	if s.atTime >= 0 {
		rotateTS = s.atTime
	}
	r := rotateTS - int64((t.Hour()*60+t.Minute())*60+t.Second())
	if r < 0 {
		r += day
		curDay = (curDay + 1) % 7
	}
	result = now + r
	if s.when[0] == 'W' && curDay != s.dayOfWeek {
		var wait int
		if curDay < s.dayOfWeek {
			wait = s.dayOfWeek - curDay
		} else {
			wait = 6 - curDay + s.dayOfWeek + 1
		}
		next := result + int64(wait)*day
		if !s.utc {
			next += s.dstAddend(t.IsDST(), next)
		}
		result = next
	}
	return result
}

// dstAddend is CPython's correction when the DST flag at 'at' differs from dstNow: one hour
// less when DST starts before 'at', one more when it ends.
func (s *schedule) dstAddend(dstNow bool, at int64) int64 {
	if time.Unix(at, 0).In(s.loc).IsDST() == dstNow {
		return 0
	}
	if !dstNow {
		return -3600
	}
	return 3600
}

// afterRollover is the scheduling half of CPython's doRollover: given the rollover time that
// just fired and the current time, it returns the time whose strftime names the backup (the
// start of the interval, DST-corrected) and the next rollover time.
func (s *schedule) afterRollover(rolloverAt, now int64) (nameAt time.Time, next int64) {
	t := rolloverAt - s.interval
	nameAt = time.Unix(t, 0).In(s.loc)
	dstNow := time.Unix(now, 0).In(s.loc).IsDST()
	if !s.utc && nameAt.IsDST() != dstNow {
		add := int64(-3600)
		if dstNow {
			add = 3600
		}
		nameAt = time.Unix(t+add, 0).In(s.loc)
	}
	next = s.compute(now)
	for next <= now {
		next += s.interval
	}
	if (s.when == "MIDNIGHT" || s.when[0] == 'W') && !s.utc {
		next += s.dstAddend(dstNow, next)
	}
	return nameAt, next
}

// formatSuffix formats t with a suffix pattern (Python's %Y-%m-%d_%H-%M-%S family).
func formatSuffix(pattern string, t time.Time) string {
	return string(strftime.MustCompile(pattern).Append(nil, t))
}
