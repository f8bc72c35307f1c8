package anyfmt

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
)

// printer writes a value that bounded refused, following fmt's %v (%+v with plus) layout:
// map[k:v k:v] with sorted keys, [a b], {a b} ({Name:a Name:b} with plus), &{...} for a
// pointer at the top, <nil>, and 0x addresses for pointers below it. What fmt would print by
// calling a method, or as a plain number, string or bool, fmt prints here too.
type printer struct {
	b    []byte
	plus bool
	path [MaxDepth]identity
	n    int
}

func (p *printer) leaf(v reflect.Value) {
	if p.plus {
		p.b = fmt.Appendf(p.b, "%+v", v.Interface())
	} else {
		p.b = fmt.Append(p.b, v.Interface())
	}
}

// value writes v, depth containers deep; top is true for the value given to Append only.
func (p *printer) value(v reflect.Value, depth int, top bool) {
	if !v.IsValid() {
		p.b = append(p.b, "<nil>"...)
		return
	}
	if !top && callsMethod(v) {
		p.leaf(v)
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		p.b = strconv.AppendBool(p.b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.b = strconv.AppendInt(p.b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		p.b = strconv.AppendUint(p.b, v.Uint(), 10)
	case reflect.Float32:
		p.b = fmt.Append(p.b, float32(v.Float())) // fmt's +Inf and NaN
	case reflect.Float64:
		p.b = fmt.Append(p.b, v.Float())
	case reflect.Complex64:
		p.b = fmt.Append(p.b, complex64(v.Complex()))
	case reflect.Complex128:
		p.b = fmt.Append(p.b, v.Complex())
	case reflect.String:
		p.b = append(p.b, v.String()...)
	case reflect.Interface:
		if v.IsNil() {
			p.b = append(p.b, "<nil>"...)
			return
		}
		p.value(v.Elem(), depth, false)
	case reflect.Pointer:
		if top && !v.IsNil() {
			switch v.Elem().Kind() {
			case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
				p.b = append(p.b, '&')
				p.value(v.Elem(), depth, false)
				return
			}
		}
		p.address(v)
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		p.address(v)
	case reflect.Map:
		p.b = append(p.b, "map["...)
		if p.enter(v, depth) {
			p.mapEntries(v, depth)
			p.n--
		}
		p.b = append(p.b, ']')
	case reflect.Slice, reflect.Array:
		p.b = append(p.b, '[')
		if p.enter(v, depth) {
			for i := range v.Len() {
				if i > 0 {
					p.b = append(p.b, ' ')
				}
				p.value(v.Index(i), depth+1, false)
			}
			p.n--
		}
		p.b = append(p.b, ']')
	case reflect.Struct:
		p.b = append(p.b, '{')
		if p.enter(v, depth) {
			t := v.Type()
			for i := range v.NumField() {
				if i > 0 {
					p.b = append(p.b, ' ')
				}
				if p.plus {
					p.b = append(p.b, t.Field(i).Name...)
					p.b = append(p.b, ':')
				}
				p.value(v.Field(i), depth+1, false)
			}
			p.n--
		}
		p.b = append(p.b, '}')
	default:
		p.leaf(v)
	}
}

// enter pushes the container v onto the path and reports whether to write its contents;
// if not, it has written the marker instead. The caller pops (p.n--) after the contents.
func (p *printer) enter(v reflect.Value, depth int) bool {
	var id identity
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		if v.Len() == 0 {
			return false // nothing to write, nothing to mark
		}
		id = identity{v.UnsafePointer(), -1}
		if v.Kind() == reflect.Slice {
			id.n = v.Len()
		}
	}
	switch {
	case id.p != nil && onPath(p.path[:p.n], id):
		p.b = append(p.b, Cycle...)
		return false
	case depth >= MaxDepth:
		p.b = append(p.b, Depth...)
		return false
	}
	p.path[p.n] = id // arrays and structs hold a nil identity, which matches nothing
	p.n++
	return true
}

func (p *printer) address(v reflect.Value) {
	if v.IsNil() {
		p.b = append(p.b, "<nil>"...)
		return
	}
	p.b = append(p.b, '0', 'x')
	p.b = strconv.AppendUint(p.b, uint64(v.Pointer()), 16)
}

// mapEntries writes k:v pairs in fmt's order (sorted keys).
func (p *printer) mapEntries(v reflect.Value, depth int) {
	type entry struct{ k, v reflect.Value }
	entries := make([]entry, 0, v.Len())
	it := v.MapRange()
	for it.Next() {
		entries = append(entries, entry{it.Key(), it.Value()})
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return compare(a.k, b.k) })
	for i, e := range entries {
		if i > 0 {
			p.b = append(p.b, ' ')
		}
		p.value(e.k, depth+1, false)
		p.b = append(p.b, ':')
		p.value(e.v, depth+1, false)
	}
}
