package wire

import (
	"log/slog"
	"reflect"
	"unsafe"
)

// recordLayout locates the attributes a slog.Record holds inline: the array of its first
// five attributes and their count. The decoder writes a record's attributes there directly
// instead of through Record.AddAttrs, which copied each one and checked it again (a tenth
// of a decode). Found by reflection, once: when a Go release lays slog.Record out
// otherwise, ok is false and every record goes through AddAttrs.
var recordLayout = func() (l struct {
	front, nFront uintptr
	ok            bool
}) {
	t := reflect.TypeFor[slog.Record]()
	front, ok1 := t.FieldByName("front")
	nFront, ok2 := t.FieldByName("nFront")
	l.ok = ok1 && ok2 && front.Type == reflect.TypeFor[[wireTopInline]slog.Attr]() &&
		nFront.Type == reflect.TypeFor[int]()
	l.front, l.nFront = front.Offset, nFront.Offset
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
