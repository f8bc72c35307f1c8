package pickle

import (
	"fmt"
	"math/big"
	"time"
)

// Date is a datetime.date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// String is date.isoformat(): 2024-02-29.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// Time is a datetime.time: a time of day, with its timezone when aware.
type Time struct {
	Hour, Minute, Second, Microsecond int
	Zone                              *Timezone // nil: naive
}

// String is time.isoformat(): 13:14:15, 13:14:15.000016, 13:14:15+00:00.
func (t Time) String() string {
	s := fmt.Sprintf("%02d:%02d:%02d", t.Hour, t.Minute, t.Second)
	if t.Microsecond != 0 {
		s += fmt.Sprintf(".%06d", t.Microsecond)
	}
	if t.Zone != nil {
		s += t.Zone.offset(":")
	}
	return s
}

// Timezone is a datetime.timezone: a fixed offset from UTC, and its name if one was given.
type Timezone struct {
	Offset time.Duration // whole seconds, strictly within ±24h
	Name   string
}

// String is str(timezone): its name, else UTC or UTC+05:30, as Python gives it.
func (z *Timezone) String() string {
	switch {
	case z.Name != "":
		return z.Name
	case z.Offset == 0:
		return "UTC"
	}
	return "UTC" + z.offset(":")
}

// Location is the fixed zone of the same offset, named as String.
func (z *Timezone) Location() *time.Location {
	if z.Offset == 0 && z.Name == "" {
		return time.UTC
	}
	return time.FixedZone(z.String(), int(z.Offset/time.Second))
}

// offset formats the offset as +HH:MM, with :SS when not whole minutes.
func (z *Timezone) offset(sep string) string {
	sign, d := '+', z.Offset
	if d < 0 {
		sign, d = '-', -d
	}
	secs := int(d / time.Second)
	s := fmt.Sprintf("%c%02d%s%02d", sign, secs/3600, sep, secs/60%60)
	if secs%60 != 0 {
		s += fmt.Sprintf("%s%02d", sep, secs%60)
	}
	return s
}

// state returns the bytes of a date, time or datetime reduction's first argument, which
// CPython always gives as bytes of the type's fixed size, and the optional tzinfo.
func state(args Tuple, size int, tzOK bool) ([]byte, *Timezone, error) {
	if len(args) == 0 || len(args) > 2 || len(args) == 2 && !tzOK {
		return nil, nil, fmt.Errorf("%d arguments", len(args))
	}
	b, ok := args[0].([]byte)
	if !ok || len(b) != size {
		return nil, nil, fmt.Errorf("state %T of %d bytes, want %d bytes", args[0], len(b), size)
	}
	if len(args) == 1 || args[1] == nil {
		return b, nil, nil
	}
	z, ok := args[1].(*Timezone)
	if !ok {
		return nil, nil, refusal("tzinfo %T: only datetime.timezone offsets are read", args[1])
	}
	return b, z, nil
}

// newDatetime interprets datetime.datetime(state[, tzinfo]). state: year (2 bytes), month
// (high bit: fold), day, hour, minute, second, microsecond (3 bytes), big-endian. A naive
// datetime keeps its fields as Python prints them, in UTC since the sender's zone is
// unknown; an aware one gets its fixed offset.
func newDatetime(args Tuple) (any, error) {
	b, z, err := state(args, 10, true)
	if err != nil {
		return nil, err
	}
	d, err := dateOf(b[:4])
	if err != nil {
		return nil, err
	}
	t, err := timeOf(b[4:])
	if err != nil {
		return nil, err
	}
	loc := time.UTC
	if z != nil {
		loc = z.Location()
	}
	return time.Date(d.Year, d.Month, d.Day, t.Hour, t.Minute, t.Second, t.Microsecond*1000, loc), nil
}

// newDate interprets datetime.date(state): year (2 bytes), month, day.
func newDate(args Tuple) (any, error) {
	b, _, err := state(args, 4, false)
	if err != nil {
		return nil, err
	}
	return dateOf(b)
}

// newTime interprets datetime.time(state[, tzinfo]): hour (high bit: fold), minute,
// second, microsecond (3 bytes).
func newTime(args Tuple) (any, error) {
	b, z, err := state(args, 6, true)
	if err != nil {
		return nil, err
	}
	t, err := timeOf(b)
	if err != nil {
		return nil, err
	}
	t.Zone = z
	return t, nil
}

func dateOf(b []byte) (Date, error) {
	d := Date{Year: int(b[0])<<8 | int(b[1]), Month: time.Month(b[2] & 0x7f), Day: int(b[3])}
	if d.Year < 1 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 ||
		d.Day > time.Date(d.Year, d.Month+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return Date{}, fmt.Errorf("invalid date %v", d)
	}
	return d, nil
}

func timeOf(b []byte) (Time, error) {
	t := Time{Hour: int(b[0] & 0x7f), Minute: int(b[1]), Second: int(b[2]),
		Microsecond: int(b[3])<<16 | int(b[4])<<8 | int(b[5])}
	if t.Hour > 23 || t.Minute > 59 || t.Second > 59 || t.Microsecond > 999999 {
		return Time{}, fmt.Errorf("invalid time %v", t)
	}
	return t, nil
}

// newTimedelta interprets datetime.timedelta(days, seconds, microseconds), normalized as
// CPython keeps them (0 <= seconds < 86400, 0 <= microseconds < 10**6), into a
// time.Duration; one beyond its ±292 years is refused.
func newTimedelta(args Tuple) (any, error) {
	if len(args) != 3 {
		return nil, fmt.Errorf("%d arguments, want 3", len(args))
	}
	var f [3]int64
	for i, a := range args {
		n, ok := a.(int64)
		if !ok {
			return nil, fmt.Errorf("argument %d is %T", i, a)
		}
		f[i] = n
	}
	if f[0] < -999999999 || f[0] > 999999999 || f[1] < 0 || f[1] >= 86400 || f[2] < 0 || f[2] >= 1e6 {
		return nil, fmt.Errorf("timedelta%v out of range", f)
	}
	ns := new(big.Int).Mul(big.NewInt(f[0]), big.NewInt(86400e9))
	ns.Add(ns, big.NewInt(f[1]*1e9+f[2]*1e3))
	if !ns.IsInt64() {
		return nil, refusal("timedelta(days=%d) beyond time.Duration's range", f[0])
	}
	return time.Duration(ns.Int64()), nil
}

// newTimezone interprets datetime.timezone(offset[, name]), offset a timedelta.
func newTimezone(args Tuple) (any, error) {
	if len(args) != 1 && len(args) != 2 {
		return nil, fmt.Errorf("%d arguments", len(args))
	}
	off, ok := args[0].(time.Duration)
	if !ok || off <= -24*time.Hour || off >= 24*time.Hour {
		return nil, fmt.Errorf("offset %v", args[0])
	}
	if off%time.Second != 0 {
		return nil, refusal("offset %v is not whole seconds", off)
	}
	z := &Timezone{Offset: off}
	if len(args) == 2 {
		if z.Name, ok = args[1].(string); !ok {
			return nil, fmt.Errorf("name %T", args[1])
		}
	}
	return z, nil
}
