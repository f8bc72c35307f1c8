package netsink

import (
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"time"

	"github.com/slogx/handlers/netsink/internal/pickle"
	"github.com/slogx/handlers/slogx"
)

// pickleMaxNodes bounds the values a decoded pickle may expand to: memo references let a
// small pickle describe an exponentially large tree, which would otherwise be a memory bomb.
const pickleMaxNodes = 1 << 16

// wirePickleRecord decodes a pickled LogRecord dict, as Python's SocketHandler and
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
//     str strings, bytes []byte, lists, tuples and sets []any, dicts groups.
func wirePickleRecord(p []byte) (slog.Record, error) {
	v, err := pickleDecode(p)
	if err != nil {
		return slog.Record{}, err
	}
	d, ok := v.(*pickle.Dict)
	if !ok {
		return slog.Record{}, pickleErr("top-level %T, want a dict", v)
	}
	c := pickleConv{budget: pickleMaxNodes}
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
			if msg, err = c.message(val); err != nil {
				return slog.Record{}, err
			}
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
		sv, err := c.value(val, 0)
		if err != nil {
			return slog.Record{}, err
		}
		attrs = append(attrs, slog.Attr{Key: ks, Value: sv})
	}
	r := slog.NewRecord(t, level, msg, 0)
	r.AddAttrs(attrs...)
	return r, nil
}

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

// pickleConv converts decoded Python values to slog values within a node budget and the
// wire depth limit (a list that contains itself hits the latter).
type pickleConv struct{ budget int }

func (c *pickleConv) charge(depth int) error {
	if c.budget--; c.budget < 0 {
		return pickleErr("more than %d values", pickleMaxNodes)
	}
	if depth > wireMaxDepth {
		return pickleErr("nested deeper than %d", wireMaxDepth)
	}
	return nil
}

// message is msg as Python's str() would give it for the types it can have.
func (c *pickleConv) message(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	pv, err := c.plain(v, 0)
	if err != nil {
		return "", err
	}
	return fmt.Sprint(pv), nil
}

// value converts v to an attribute value: dicts become groups, the rest plain values.
func (c *pickleConv) value(v any, depth int) (slog.Value, error) {
	switch x := v.(type) {
	case nil:
		return slog.AnyValue(nil), c.charge(depth)
	case bool:
		return slog.BoolValue(x), c.charge(depth)
	case int64:
		return slog.Int64Value(x), c.charge(depth)
	case float64:
		return slog.Float64Value(x), c.charge(depth)
	case string:
		return slog.StringValue(x), c.charge(depth)
	case *pickle.Dict:
		if err := c.charge(depth); err != nil {
			return slog.Value{}, err
		}
		as := make([]slog.Attr, 0, len(x.Keys))
		for k, key := range x.Keys {
			sv, err := c.value(x.Values[k], depth+1)
			if err != nil {
				return slog.Value{}, err
			}
			as = append(as, slog.Attr{Key: pickleKey(key), Value: sv})
		}
		return slog.GroupValue(as...), nil
	}
	pl, err := c.plain(v, depth)
	if err != nil {
		return slog.Value{}, err
	}
	return slog.AnyValue(pl), nil
}

// plain converts v to a plain Go value for use inside []any: lists, tuples and sets become
// []any, dicts map[string]any, big ints decimal strings.
func (c *pickleConv) plain(v any, depth int) (any, error) {
	if err := c.charge(depth); err != nil {
		return nil, err
	}
	var items []any
	switch x := v.(type) {
	case *big.Int:
		return x.String(), nil
	case *pickle.List:
		items = x.Items
	case pickle.Tuple:
		items = x
	case *pickle.Set:
		items = x.Items
	case *pickle.Dict:
		m := make(map[string]any, len(x.Keys))
		for k, key := range x.Keys {
			pv, err := c.plain(x.Values[k], depth+1)
			if err != nil {
				return nil, err
			}
			m[pickleKey(key)] = pv
		}
		return m, nil
	default:
		return v, nil
	}
	out := make([]any, 0, len(items))
	for _, it := range items {
		pv, err := c.plain(it, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, pv)
	}
	return out, nil
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
	return fmt.Sprint(k)
}
