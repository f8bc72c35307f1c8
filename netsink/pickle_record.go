package netsink

import (
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"time"

	"github.com/slogx/handlers/slogx"
)

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
	v, err := wireUnpickle(p)
	if err != nil {
		return slog.Record{}, err
	}
	d, ok := v.(*pyDict)
	if !ok {
		return slog.Record{}, wirePickleErr("top-level %T, want a dict", v)
	}
	budget := wirePickleMaxNodes
	var (
		t     time.Time
		level = slog.LevelInfo
		msg   string
		attrs []slog.Attr
	)
	for k, key := range d.keys {
		ks, ok := key.(string)
		if !ok {
			return slog.Record{}, wirePickleErr("record key %T", key)
		}
		val := d.vals[k]
		switch ks {
		case "msg":
			if s, ok := val.(string); ok {
				msg = s
			} else {
				pv, err := wirePyPlain(val, 0, &budget)
				if err != nil {
					return slog.Record{}, err
				}
				msg = fmt.Sprint(pv)
			}
			continue
		case "levelno":
			if n, ok := val.(int64); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
				level = slogx.FromPythonLevel(int(n))
			}
			continue
		case "created":
			var secs float64
			switch c := val.(type) {
			case float64:
				secs = c
			case int64:
				secs = float64(c)
			}
			if secs != 0 && !math.IsNaN(secs) && !math.IsInf(secs, 0) && math.Abs(secs) < 1e11 {
				sec, frac := math.Modf(secs)
				t = time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3)
			}
			continue
		case "args", "exc_info", "msecs", "message", "levelname":
			continue
		}
		if val == nil {
			continue
		}
		sv, err := wirePyValue(val, 0, &budget)
		if err != nil {
			return slog.Record{}, err
		}
		attrs = append(attrs, slog.Attr{Key: ks, Value: sv})
	}
	r := slog.NewRecord(t, level, msg, 0)
	r.AddAttrs(attrs...)
	return r, nil
}

func wirePyValue(v any, depth int, budget *int) (slog.Value, error) {
	if *budget--; *budget < 0 {
		return slog.Value{}, wirePickleErr("more than %d values", wirePickleMaxNodes)
	}
	if depth > wireMaxDepth {
		return slog.Value{}, wirePickleErr("nested deeper than %d", wireMaxDepth)
	}
	switch x := v.(type) {
	case nil:
		return slog.AnyValue(nil), nil
	case bool:
		return slog.BoolValue(x), nil
	case int64:
		return slog.Int64Value(x), nil
	case *big.Int:
		return slog.StringValue(x.String()), nil
	case float64:
		return slog.Float64Value(x), nil
	case string:
		return slog.StringValue(x), nil
	case []byte:
		return slog.AnyValue(x), nil
	case *pyDict:
		as := make([]slog.Attr, 0, len(x.keys))
		for k, key := range x.keys {
			sv, err := wirePyValue(x.vals[k], depth+1, budget)
			if err != nil {
				return slog.Value{}, err
			}
			as = append(as, slog.Attr{Key: wirePyKey(key), Value: sv})
		}
		return slog.GroupValue(as...), nil
	}
	*budget++ // wirePyPlain counts v itself again
	pl, err := wirePyPlain(v, depth, budget)
	if err != nil {
		return slog.Value{}, err
	}
	return slog.AnyValue(pl), nil
}

func wirePyKey(k any) string {
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

// wirePyPlain converts to plain Go values for use inside []any, within the node budget and
// the depth limit (a list that contains itself hits the latter).
func wirePyPlain(v any, depth int, budget *int) (any, error) {
	if *budget--; *budget < 0 {
		return nil, wirePickleErr("more than %d values", wirePickleMaxNodes)
	}
	if depth > wireMaxDepth {
		return nil, wirePickleErr("nested deeper than %d", wireMaxDepth)
	}
	var items []any
	switch x := v.(type) {
	case *big.Int:
		return x.String(), nil
	case *pyList:
		items = x.items
	case pyTuple:
		items = x
	case *pyDict:
		m := make(map[string]any, len(x.keys))
		for k, key := range x.keys {
			pv, err := wirePyPlain(x.vals[k], depth+1, budget)
			if err != nil {
				return nil, err
			}
			m[wirePyKey(key)] = pv
		}
		return m, nil
	default:
		return v, nil
	}
	out := make([]any, 0, len(items))
	for _, it := range items {
		pv, err := wirePyPlain(it, depth+1, budget)
		if err != nil {
			return nil, err
		}
		out = append(out, pv)
	}
	return out, nil
}
