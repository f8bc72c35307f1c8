package otlp

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/slogx/handlers/internal/anyfmt"
	"github.com/slogx/handlers/internal/attrwalk"
	"github.com/slogx/handlers/internal/jsonstr"
	"github.com/slogx/handlers/netsink/internal/wire"
)

// otlpMaxDepth bounds how deep arrays and maps inside a value of kind Any are walked; deeper
// values (and cycles) are written as their fmt text.
const otlpMaxDepth = 8

// otlpWriter appends OTLP KeyValues and AnyValues in protobuf or in OTLP's JSON mapping; the
// record layout above it is the same for both. It lives on its caller's stack.
type otlpWriter struct {
	b     []byte
	json  bool
	depth int // of arrays and maps inside an Any value
}

// otlpMark is an open KeyValue: where its message and its value's message begin (protobuf).
type otlpMark struct{ kv, val int }

// kvOpen opens a KeyValue (field f of its parent) with key and opens its AnyValue; first says
// whether it is the first of its list (JSON's comma).
func (w *otlpWriter) kvOpen(f protowire.Number, key string, first bool) otlpMark {
	if w.json {
		if !first {
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, `{"key":`...)
		w.b = jsonstr.Append(w.b, key)
		w.b = append(w.b, `,"value":{`...)
		return otlpMark{}
	}
	var m otlpMark
	w.b, m.kv = pbOpen(w.b, f)
	w.b = pbString(w.b, otlpKVKey, key)
	w.b, m.val = pbOpen(w.b, otlpKVValue)
	return m
}

func (w *otlpWriter) kvClose(m otlpMark) {
	if w.json {
		w.b = append(w.b, '}', '}')
		return
	}
	w.b = pbClose(w.b, m.val)
	w.b = pbClose(w.b, m.kv)
}

// listOpen opens the kvlist (otlpValueKVList) or array (otlpValueArray) of the open AnyValue.
func (w *otlpWriter) listOpen(f protowire.Number) int {
	if w.json {
		if f == otlpValueKVList {
			w.b = append(w.b, `"kvlistValue":{"values":[`...)
		} else {
			w.b = append(w.b, `"arrayValue":{"values":[`...)
		}
		return 0
	}
	var at int
	w.b, at = pbOpen(w.b, f)
	return at
}

func (w *otlpWriter) listClose(at int) {
	if w.json {
		w.b = append(w.b, ']', '}')
		return
	}
	w.b = pbClose(w.b, at)
}

// elemOpen opens an AnyValue element of an open array.
func (w *otlpWriter) elemOpen(first bool) int {
	if w.json {
		if !first {
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, '{')
		return 0
	}
	var at int
	w.b, at = pbOpen(w.b, otlpListValues)
	return at
}

func (w *otlpWriter) elemClose(at int) {
	if w.json {
		w.b = append(w.b, '}')
		return
	}
	w.b = pbClose(w.b, at)
}

func (w *otlpWriter) str(s string) {
	if w.json {
		w.b = append(w.b, `"stringValue":`...)
		w.b = jsonstr.Append(w.b, s)
		return
	}
	w.b = pbString(w.b, otlpValueString, s)
}

func (w *otlpWriter) int(n int64) {
	if w.json {
		w.b = append(w.b, `"intValue":"`...)
		w.b = appendInt(w.b, n)
		w.b = append(w.b, '"')
		return
	}
	w.b = pbVarint(w.b, otlpValueInt, uint64(n))
}

func (w *otlpWriter) double(f float64) {
	if w.json {
		w.b = append(w.b, `"doubleValue":`...)
		w.b = appendJSONDouble(w.b, f)
		return
	}
	w.b = pbFixed64(w.b, otlpValueDouble, math.Float64bits(f))
}

func (w *otlpWriter) bool(v bool) {
	if w.json {
		if v {
			w.b = append(w.b, `"boolValue":true`...)
		} else {
			w.b = append(w.b, `"boolValue":false`...)
		}
		return
	}
	var x uint64
	if v {
		x = 1
	}
	w.b = pbVarint(w.b, otlpValueBool, x)
}

func (w *otlpWriter) bytes(p []byte) {
	if w.json {
		w.b = append(w.b, `"bytesValue":"`...)
		w.b = base64.StdEncoding.AppendEncode(w.b, p)
		w.b = append(w.b, '"')
		return
	}
	w.b = pbBytes(w.b, otlpValueBytes, p)
}

// time writes t as an RFC 3339 string with nanoseconds: readable in every backend, exact,
// and what slog's JSON handler writes. (otelslog sends int nanoseconds, losing the zone.)
func (w *otlpWriter) time(t time.Time) {
	var buf [64]byte
	s := t.AppendFormat(buf[:0], time.RFC3339Nano)
	if w.json {
		w.b = append(w.b, `"stringValue":"`...)
		w.b = append(w.b, s...) // nothing in it needs escaping
		w.b = append(w.b, '"')
		return
	}
	w.b = pbBytes(w.b, otlpValueString, s)
}

// value writes the content of the open AnyValue for a resolved attribute value.
//
// The mapping: strings, bools and float64 as themselves; int64 and durations (nanoseconds)
// as int; uint64 as int, or as a decimal string above math.MaxInt64; time.Time as an RFC
// 3339 string; groups as kvlists; of kind Any: nil as an empty value, []byte as bytes,
// errors as their message, fmt.Stringers as their String(), slices and arrays as arrays,
// maps with string keys as kvlists (keys sorted), everything else as its JSON text (or fmt's
// "%+v" when json.Marshal fails).
func (w *otlpWriter) value(v slog.Value) {
	switch v.Kind() {
	case slog.KindString:
		w.str(v.String())
	case slog.KindInt64:
		w.int(v.Int64())
	case slog.KindUint64:
		if u := v.Uint64(); u <= math.MaxInt64 {
			w.int(int64(u))
		} else {
			var buf [20]byte
			s := appendUint(buf[:0], u)
			if w.json {
				w.b = append(append(append(w.b, `"stringValue":"`...), s...), '"')
			} else {
				w.b = pbBytes(w.b, otlpValueString, s)
			}
		}
	case slog.KindFloat64:
		w.double(v.Float64())
	case slog.KindBool:
		w.bool(v.Bool())
	case slog.KindDuration:
		w.int(int64(v.Duration()))
	case slog.KindTime:
		w.time(v.Time())
	case slog.KindGroup:
		w.group(v.Group())
	case slog.KindLogValuer:
		w.value(v.Resolve())
	default:
		w.anyValue(v.Any())
	}
}

// group writes a kvlist for a group met inside an array or map (a record's own groups come
// through pairs). It goes through the walker too, so the same attributes are dropped.
func (w *otlpWriter) group(as []slog.Attr) {
	at := w.listOpen(otlpValueKVList)
	var wk attrwalk.Walker
	wk.Begin(attrwalk.Rules{SourceGroups: true}, nil, 0)
	n := 0
	for _, a := range as {
		wk.Add(a)
		n += w.pairs(&wk, otlpListValues, n)
	}
	wk.End()
	w.listClose(at)
}

// anyValue writes a user value; only these can panic (a nil receiver in Error or String), so
// only they pay for the recover.
func (w *otlpWriter) anyValue(a any) {
	n := len(w.b)
	defer func() {
		if r := recover(); r != nil {
			w.b = w.b[:n]
			w.str(wire.AnyPanicText(a, r))
		}
	}()
	switch x := a.(type) {
	case nil:
		return // an empty AnyValue
	case []byte:
		w.bytes(x)
		return
	case error:
		if _, jm := a.(json.Marshaler); !jm {
			w.str(x.Error())
			return
		}
	case fmt.Stringer:
		w.str(x.String())
		return
	}
	if w.depth < otlpMaxDepth {
		switch rv := reflect.ValueOf(a); rv.Kind() {
		case reflect.Slice, reflect.Array:
			if rv.Type().Elem().Kind() == reflect.Uint8 {
				p := make([]byte, rv.Len())
				reflect.Copy(reflect.ValueOf(p), rv)
				w.bytes(p)
				return
			}
			w.array(rv)
			return
		case reflect.Map:
			if rv.Type().Key().Kind() == reflect.String {
				w.mapValue(rv)
				return
			}
		}
	}
	js, err := json.Marshal(a)
	if err != nil {
		w.str(anyfmt.Sprint(a, true))
		return
	}
	if w.json {
		w.b = append(w.b, `"stringValue":`...)
		w.b = jsonstr.Append(w.b, string(js))
		return
	}
	w.b = pbBytes(w.b, otlpValueString, js)
}

func (w *otlpWriter) array(rv reflect.Value) {
	w.depth++
	at := w.listOpen(otlpValueArray)
	for i := range rv.Len() {
		e := w.elemOpen(i == 0)
		w.value(slog.AnyValue(rv.Index(i).Interface()))
		w.elemClose(e)
	}
	w.listClose(at)
	w.depth--
}

func (w *otlpWriter) mapValue(rv reflect.Value) {
	w.depth++
	keys := rv.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	at := w.listOpen(otlpValueKVList)
	for i, k := range keys {
		m := w.kvOpen(otlpListValues, k.String(), i == 0)
		w.value(slog.AnyValue(rv.MapIndex(k).Interface()))
		w.kvClose(m)
	}
	w.listClose(at)
	w.depth--
}
