package wire

import (
	"log/slog"
	"math"
	"reflect"
	"unsafe"
)

// recordLayout locates the attributes of a slog.Record: the array of its first five
// attributes, their count, and the slice of the others. The decoder writes a record's
// attributes there directly instead of through Record.AddAttrs, which copied each one and
// checked it again (a tenth of a decode); the encoder reads them there instead of through
// Record.Attrs, which calls a function for each. Found by reflection, once: when a Go
// release lays slog.Record out otherwise, ok is false and both use slog's methods.
var recordLayout = func() (l struct {
	front, nFront, back uintptr
	ok                  bool
}) {
	t := reflect.TypeFor[slog.Record]()
	front, ok1 := t.FieldByName("front")
	nFront, ok2 := t.FieldByName("nFront")
	back, ok3 := t.FieldByName("back")
	l.ok = ok1 && ok2 && ok3 && front.Type == reflect.TypeFor[[wireTopInline]slog.Attr]() &&
		nFront.Type == reflect.TypeFor[int]() && back.Type == reflect.TypeFor[[]slog.Attr]()
	l.front, l.nFront, l.back = front.Offset, nFront.Offset, back.Offset
	return l
}()

// recordFront returns rec's inline attributes and their count, or nil when slog.Record is
// not laid out as recordLayout expects. Only a zero record's may be written: the
// attributes go in order from the first, and no empty group among them (slog's rules).
func recordFront(rec *slog.Record) (*[wireTopInline]slog.Attr, *int) {
	if !recordLayout.ok {
		return nil, nil
	}
	p := unsafe.Pointer(rec)
	return (*[wireTopInline]slog.Attr)(unsafe.Add(p, recordLayout.front)), (*int)(unsafe.Add(p, recordLayout.nFront))
}

// recordAttrs returns r's attributes in order, front then back, or ok false when slog.Record
// is not laid out as recordLayout expects. They alias r: read only.
func recordAttrs(r *slog.Record) (front, back []slog.Attr, ok bool) {
	if !recordLayout.ok {
		return nil, nil, false
	}
	p := unsafe.Pointer(r)
	n := *(*int)(unsafe.Add(p, recordLayout.nFront))
	return (*[wireTopInline]slog.Attr)(unsafe.Add(p, recordLayout.front))[:n], *(*[]slog.Attr)(unsafe.Add(p, recordLayout.back)), true
}

// valueLayout locates the word where a slog.Value of kind Int64, Uint64, Float64 (its
// bits), Bool (1 for true) or Duration keeps its number. When a Go release lays slog.Value
// out otherwise, ok is false and valueNum uses the accessors.
var valueLayout = func() (l struct {
	num uintptr
	ok  bool
}) {
	f, ok := reflect.TypeFor[slog.Value]().FieldByName("num")
	l.ok = ok && f.Type == reflect.TypeFor[uint64]()
	l.num = f.Offset
	return l
}()

// valueNum returns the number of *v, whose kind is Int64, Uint64, Float64, Bool or
// Duration (the caller checked).
func valueNum(v *slog.Value) uint64 {
	if valueLayout.ok {
		return *(*uint64)(unsafe.Add(unsafe.Pointer(v), valueLayout.num))
	}
	return valueNumOf(v)
}

// valueNumOf is valueNum through the accessors.
func valueNumOf(v *slog.Value) uint64 {
	switch v.Kind() {
	case slog.KindInt64:
		return uint64(v.Int64())
	case slog.KindUint64:
		return v.Uint64()
	case slog.KindFloat64:
		return math.Float64bits(v.Float64())
	case slog.KindBool:
		if v.Bool() {
			return 1
		}
		return 0
	case slog.KindDuration:
		return uint64(v.Duration())
	}
	return 0
}
