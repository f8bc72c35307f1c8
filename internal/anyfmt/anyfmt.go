// Package anyfmt formats arbitrary Go values as fmt's %v and %+v do, except that it never
// recurses without end. fmt does not detect cycles: a map or slice that contains itself
// overflows the goroutine stack, which kills the process, not just the log call.
//
// A value whose every path is free of cycles and at most MaxDepth containers deep is written
// by fmt itself, byte for byte. Any other value is written by a printer that follows fmt's
// layout and writes Cycle where a map or slice would contain itself and Depth where the
// nesting goes beyond MaxDepth. Output stays proportional to the value's acyclic part: a
// finite value that shares sub-values is written in full, once per reference, as fmt does.
package anyfmt

import (
	"fmt"
	"log/slog"
	"reflect"
)

// MaxDepth is how many maps, slices, arrays and structs deep a value may nest before the
// rest is written as Depth.
const MaxDepth = 32

// Markers written in place of what fmt would recurse into forever.
const (
	Cycle = "!CYCLE" // a map or slice met again inside itself
	Depth = "!DEPTH" // nesting beyond MaxDepth
)

// Append appends a as fmt.Append(b, a) does (with plus, fmt.Appendf(b, "%+v", a)), with
// cycles and excessive nesting replaced by the markers.
func Append(b []byte, a any, plus bool) []byte {
	if bounded(a) {
		if plus {
			return fmt.Appendf(b, "%+v", a)
		}
		return fmt.Append(b, a)
	}
	p := printer{b: b, plus: plus}
	p.value(reflect.ValueOf(a), 0, true)
	return p.b
}

// Sprint is Append into a new string.
func Sprint(a any, plus bool) string {
	return string(Append(nil, a, plus))
}

// ValueString is v.String(), which formats a value of kind Any with fmt, without its
// unbounded recursion.
func ValueString(v slog.Value) string {
	if v.Kind() == slog.KindAny {
		return Sprint(v.Any(), false)
	}
	return v.String()
}
