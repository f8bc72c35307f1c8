package netsink

import (
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"time"

	"github.com/slogx/handlers/netsink/internal/pickle"
	"github.com/slogx/handlers/netsink/internal/wire"
	"github.com/slogx/handlers/slogx"
)

// pickleRecord decodes a pickled LogRecord dict, as Python's SocketHandler and
// DatagramHandler send it (makePickle: msg already formatted with args, args and exc_info
// None), into a record:
//
//   - msg is the message (getMessage() was applied by the sender);
//   - levelno becomes the level through slogx.FromPythonLevel (levelname is dropped, the
//     level carries it);
//   - created (float seconds) becomes the time, to the microsecond Python has;
//   - every other key, in the dict's order, becomes an attribute under its Python name:
//     name, pathname, filename, module, lineno, funcName, relativeCreated, thread,
//     threadName, processName, process, taskName, exc_text, stack_info and any extra=
//     fields; keys whose value is None are left out, as are args, exc_info, msecs and
//     message. Python ints become int64 (or a decimal string when larger), floats float64,
//     str strings, bytes and bytearray []byte, lists, tuples, sets and frozensets []any,
//     dicts groups, datetime.datetime a time (a naive one in UTC with the fields Python
//     prints), timedelta a duration, date, time, timezone and decimal.Decimal their
//     Python string (ISO 8601 for date and time).
//
// A record whose memo references expand it past maxSize bytes is refused
// (ErrPickleRefused): a 22 kB pickle may otherwise describe a record of many megabytes.
func pickleRecord(p []byte, maxSize int) (slog.Record, error) {
	v, err := pickleDecode(p, maxSize)
	if err != nil {
		return slog.Record{}, err
	}
	d, ok := v.(*pickle.Dict)
	if !ok {
		return slog.Record{}, pickleErr("top-level %T, want a dict", v)
	}
	var (
		t     time.Time
		level = slog.LevelInfo
		msg   string
		attrs []slog.Attr
	)
	for k, key := range d.Keys {
		ks, ok := key.(string)
		if !ok {
			return slog.Record{}, pickleErr("record key %T", key)
		}
		val := d.Values[k]
		switch ks {
		case "msg":
			msg = pickleMessage(val)
			continue
		case "levelno":
			if n, ok := val.(int64); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
				level = slogx.FromPythonLevel(int(n))
			}
			continue
		case "created":
			t = pickleCreated(val)
			continue
		case "args", "exc_info", "msecs", "message", "levelname":
			continue
		}
		if val == nil {
			continue
		}
		attrs = append(attrs, slog.Attr{Key: ks, Value: pickleValue(val)})
	}
	r := slog.NewRecord(t, level, msg, 0)
	r.AddAttrs(attrs...)
	return r, nil
}

// wirePickleRecord is pickleRecord with the default frame limit.
func wirePickleRecord(p []byte) (slog.Record, error) { return pickleRecord(p, wire.DefaultMaxFrame) }

// pickleCreated converts LogRecord.created, float seconds since the epoch, to the
// microsecond Python has; anything else is the zero time.
func pickleCreated(v any) time.Time {
	var secs float64
	switch c := v.(type) {
	case float64:
		secs = c
	case int64:
		secs = float64(c)
	}
	if secs == 0 || math.IsNaN(secs) || math.IsInf(secs, 0) || math.Abs(secs) >= 1e11 {
		return time.Time{}
	}
	sec, frac := math.Modf(secs)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3)
}

// pickleMessage is msg as a string: itself, or Go's rendering of another value.
func pickleMessage(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(picklePlain(v))
}

// The conversions below recurse without a budget: Decode bounded the expanded size and the
// depth of what they walk.

// pickleValue converts v to an attribute value: dicts become groups, the rest plain values.
func pickleValue(v any) slog.Value {
	switch x := v.(type) {
	case string:
		return slog.StringValue(x)
	case int64:
		return slog.Int64Value(x)
	case float64:
		return slog.Float64Value(x)
	case bool:
		return slog.BoolValue(x)
	case time.Time:
		return slog.TimeValue(x)
	case time.Duration:
		return slog.DurationValue(x)
	case *pickle.Dict:
		as := make([]slog.Attr, 0, len(x.Keys))
		for k, key := range x.Keys {
			as = append(as, slog.Attr{Key: pickleKey(key), Value: pickleValue(x.Values[k])})
		}
		return slog.GroupValue(as...)
	}
	return slog.AnyValue(picklePlain(v))
}

// picklePlain converts v to a plain Go value for use inside []any: lists, tuples and sets
// become []any, dicts map[string]any, big ints decimal strings.
func picklePlain(v any) any {
	var items []any
	switch x := v.(type) {
	case *big.Int:
		return x.String()
	case pickle.Date, pickle.Time, pickle.Decimal, *pickle.Timezone:
		return x.(fmt.Stringer).String()
	case *pickle.List:
		items = x.Items
	case pickle.Tuple:
		items = x
	case *pickle.Set:
		items = x.Items
	case *pickle.Dict:
		m := make(map[string]any, len(x.Keys))
		for k, key := range x.Keys {
			m[pickleKey(key)] = picklePlain(x.Values[k])
		}
		return m
	default:
		return v
	}
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = picklePlain(it)
	}
	return out
}

// pickleKey is a dict key as an attribute key: Python's str() of it.
func pickleKey(k any) string {
	switch x := k.(type) {
	case string:
		return x
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	}
	return fmt.Sprint(picklePlain(k))
}
