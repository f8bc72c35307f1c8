package pickle

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
)

// describe renders a decoded object the way objectScript describes the Python one.
func describe(v any) any {
	switch x := v.(type) {
	case []byte:
		return "bytes:" + hex.EncodeToString(x)
	case *Set:
		out := make([]any, len(x.Items))
		for i, it := range x.Items {
			out[i] = fmt.Sprint(it)
		}
		return out
	case time.Time:
		_, off := x.Zone()
		return fmt.Sprintf("datetime:%s%+d:%s", x.Format("2006-01-02 15:04:05.000000"), off, x.Location())
	case time.Duration:
		return fmt.Sprintf("timedelta:%d", x.Microseconds())
	case Date, Time, Decimal:
		return fmt.Sprintf("%T:%s", x, x)
	}
	return fmt.Sprintf("unexpected %T %v", v, v)
}

const objectScript = `
import datetime, decimal, json, pickle
tz = datetime.timezone
vals = [
    b"\x00\x01\xff", b"", bytearray(b"ab\x00"), bytearray(),
    {3}, set(), frozenset(["x"]), frozenset(),
    datetime.datetime(2024, 1, 2, 3, 4, 5, 123456),
    datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31, 23, 59, 59, 999999),
    datetime.datetime(2024, 6, 1, 12, tzinfo=tz.utc),
    datetime.datetime(2024, 6, 1, 12, 30, tzinfo=tz(datetime.timedelta(hours=-5, minutes=-30), "EST")),
    datetime.datetime(2024, 6, 1, 12, tzinfo=tz(datetime.timedelta(hours=9))),
    datetime.datetime(2024, 11, 3, 1, 30, fold=1),
    datetime.date(2024, 2, 29), datetime.time(13, 14, 15, 16), datetime.time(0, 0),
    datetime.time(23, 59, 59, tzinfo=tz(datetime.timedelta(hours=1, minutes=30))),
    datetime.timedelta(days=-1, seconds=5, microseconds=7), datetime.timedelta(0),
    datetime.timedelta(days=106751),
    decimal.Decimal("-1.50E+3"), decimal.Decimal("NaN"), decimal.Decimal("-Infinity"), decimal.Decimal("0.000"),
]
def describe(v):
    if isinstance(v, (bytes, bytearray)): return "bytes:" + bytes(v).hex()
    if isinstance(v, (set, frozenset)): return [str(i) for i in v]
    if isinstance(v, datetime.datetime):
        off = v.utcoffset()
        name = "UTC" if v.tzinfo is None else v.tzname()
        return "datetime:%s%+d:%s" % (v.replace(tzinfo=None, fold=0).isoformat(" ", "microseconds"), 0 if off is None else off.total_seconds(), name)
    if isinstance(v, datetime.timedelta): return "timedelta:%d" % (v // datetime.timedelta(microseconds=1))
    if isinstance(v, datetime.date): return "pickle.Date:" + v.isoformat()
    if isinstance(v, datetime.time): return "pickle.Time:" + v.isoformat()
    if isinstance(v, decimal.Decimal): return "pickle.Decimal:" + str(v)
for proto in range(6):
    for v in vals:
        print(json.dumps([proto, pickle.dumps(v, proto).hex(), describe(v)]))
`

// TestObjectsDifferential has python3 pickle every allowlisted type with every protocol,
// and checks that what we read is what Python describes.
func TestObjectsDifferential(t *testing.T) {
	out, err := exec.Command(python(t), "-c", objectScript).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var c struct {
			Proto int
			Hex   string
			Want  any
		}
		var raw []json.RawMessage
		if err := json.Unmarshal([]byte(line), &raw); err != nil || len(raw) != 3 {
			t.Fatalf("%s: %v", line, err)
		}
		_ = json.Unmarshal(raw[0], &c.Proto)
		_ = json.Unmarshal(raw[1], &c.Hex)
		_ = json.Unmarshal(raw[2], &c.Want)
		v, err := Decode(unhex(t, c.Hex), Limits{})
		if err != nil {
			t.Errorf("protocol %d, %v: %v", c.Proto, c.Want, err)
			continue
		}
		got := describe(v)
		js, _ := json.Marshal(got)
		var gotJSON any
		_ = json.Unmarshal(js, &gotJSON)
		if !reflect.DeepEqual(gotJSON, c.Want) {
			t.Errorf("protocol %d:\n got %v\nwant %v", c.Proto, gotJSON, c.Want)
		}
	}
}

func TestObjectsRefused(t *testing.T) {
	cases := map[string]string{
		// class Point: pass; pickle.dumps(Point(), 1)
		"instance":      "ccopy_reg\n_reconstructor\nq\x00(c__main__\nPoint\nq\x01c__builtin__\nobject\nq\x02Ntq\x03Rq\x04.",
		"os.system":     "\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x01x\x85R.",
		"zoneinfo":      "cdatetime\ndatetime\n(C\x0a\x07\xe8\x01\x02\x00\x00\x00\x00\x00\x00c__builtin__\ngetattr\n(czoneinfo\nZoneInfo\nX\x09\x00\x00\x00_unpickletR(X\x0c\x00\x00\x00Europe/ParistRtR.",
		"a class":       "cdatetime\ndatetime\n.",
		"sub-second":    "cdatetime\ntimezone\n(cdatetime\ntimedelta\n(K\x00K\x01K\x02tRtR.",
		"huge delta":    "cdatetime\ntimedelta\n(J\xff\xc9\x9a\x3bK\x00K\x00tR.",
		"builtins.eval": "cbuiltins\neval\n(X\x01\x00\x00\x001tR.",
	}
	for name, p := range cases {
		if _, err := Decode([]byte(p), Limits{}); !errors.Is(err, ErrRefused) {
			t.Errorf("%s: err = %v, want ErrRefused", name, err)
		}
	}
	malformed := map[string]string{
		"bad latin1":     "c_codecs\nencode\n(X\x03\x00\x00\x00\xe2\x98\x83X\x06\x00\x00\x00latin1tR.",
		"other codec":    "c_codecs\nencode\n(X\x01\x00\x00\x00aX\x05\x00\x00\x00utf-8tR.",
		"short state":    "cdatetime\ndate\n(C\x03\x07\xe8\x01tR.",
		"month 13":       "cdatetime\ndate\n(C\x04\x07\xe8\x0d\x01tR.",
		"Feb 30":         "cdatetime\ndate\n(C\x04\x07\xe8\x02\x1etR.",
		"not a decimal":  "cdecimal\nDecimal\n(X\x03\x00\x00\x001e+tR.",
		"REDUCE of int":  "K\x01)R.",
		"args not tuple": "cbuiltins\nset\n]R.",
	}
	for name, p := range malformed {
		if _, err := Decode([]byte(p), Limits{}); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

func TestIsDecimal(t *testing.T) {
	for s, want := range map[string]bool{
		"1": true, "-1.50E+3": true, "1.": true, ".5": true, "+0.000": true, "NaN": true, "-sNaN12": true,
		"Infinity": true, "-inf": true, "1e5": true, "": false, ".": false, "e5": false, "1e": false,
		"1.2.3": false, "0x10": false, "1_000": false, " 1": false, "nan x": false,
	} {
		if isDecimal(s) != want {
			t.Errorf("isDecimal(%q) = %v", s, !want)
		}
	}
}
