package anyfmt

import (
	"fmt"
	"reflect"
	"sync"
	"unsafe"
)

// bounded reports whether fmt can print a without markers: nothing it would recurse into
// contains itself or nests deeper than MaxDepth. It follows exactly the paths fmt follows:
// fmt calls Format, Error or String instead of recursing where it can, and follows a
// pointer only at the top.
func bounded(a any) bool {
	switch a.(type) {
	case nil, string, bool, int, int64, uint64, float64, error, fmt.Stringer, fmt.Formatter:
		return true
	}
	v := reflect.ValueOf(a)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		switch v.Elem().Kind() {
		case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
			v = v.Elem() // fmt writes &{...}: the only pointer it follows
		}
	}
	var c checker
	return c.ok(v, 0)
}

// identity names a map or slice on the current path: a slice is itself only with the same
// start and length.
type identity struct {
	p unsafe.Pointer
	n int
}

type checker struct {
	path [MaxDepth]identity
	n    int
}

// onPath reports whether id is one of the containers being walked.
func onPath(path []identity, id identity) bool {
	for _, p := range path {
		if p == id {
			return true
		}
	}
	return false
}

// ok reports whether v, depth containers deep, is bounded.
func (c *checker) ok(v reflect.Value, depth int) bool {
	if !v.IsValid() || staticBounded(v.Type(), MaxDepth-depth) {
		return true
	}
	if depth > 0 && callsMethod(v) {
		return true
	}
	switch v.Kind() {
	case reflect.Interface:
		return v.IsNil() || c.ok(v.Elem(), depth)
	case reflect.Map, reflect.Slice:
		if v.Len() == 0 {
			return true
		}
		id := identity{v.UnsafePointer(), -1}
		if v.Kind() == reflect.Slice {
			id.n = v.Len()
		}
		if depth >= MaxDepth || onPath(c.path[:c.n], id) {
			return false
		}
		c.path[c.n] = id
		c.n++
		defer func() { c.n-- }()
		if v.Kind() == reflect.Slice {
			return c.elems(v, depth)
		}
		return c.entries(v, depth)
	case reflect.Array:
		return depth < MaxDepth && c.elems(v, depth)
	case reflect.Struct:
		if depth >= MaxDepth {
			return false
		}
		for i := range v.NumField() {
			if !c.ok(v.Field(i), depth+1) {
				return false
			}
		}
		return true
	}
	return true // pointers below the top, channels, functions: fmt writes an address
}

// entries checks a map's keys and values, skipping those whose type bounds them. Copying
// each into one reusable value saves MapIter's allocation per entry; a map reached through
// an unexported field cannot be copied from, and pays it.
func (c *checker) entries(v reflect.Value, depth int) bool {
	t := v.Type()
	checkK := !staticBounded(t.Key(), MaxDepth-depth-1)
	checkV := !staticBounded(t.Elem(), MaxDepth-depth-1)
	if !checkK && !checkV {
		return true
	}
	var k, e reflect.Value
	reuse := v.CanInterface() // else copies would lose fmt's read-only flag (see callsMethod)
	if reuse && checkK {
		k = reflect.New(t.Key()).Elem()
	}
	if reuse && checkV {
		e = reflect.New(t.Elem()).Elem()
	}
	var it reflect.MapIter
	it.Reset(v)
	for it.Next() {
		if checkK {
			if reuse {
				k.SetIterKey(&it)
			} else {
				k = it.Key()
			}
			if !c.ok(k, depth+1) {
				return false
			}
		}
		if checkV {
			if reuse {
				e.SetIterValue(&it)
			} else {
				e = it.Value()
			}
			if !c.ok(e, depth+1) {
				return false
			}
		}
	}
	return true
}

func (c *checker) elems(v reflect.Value, depth int) bool {
	for i := range v.Len() {
		if !c.ok(v.Index(i), depth+1) {
			return false
		}
	}
	return true
}

var (
	formatterType = reflect.TypeFor[fmt.Formatter]()
	errorType     = reflect.TypeFor[error]()
	stringerType  = reflect.TypeFor[fmt.Stringer]()
)

// callsMethod reports whether fmt, meeting v below the top, calls its Format, Error or
// String method instead of looking inside: it does when v was not reached through an
// unexported field and its dynamic type has one of them.
func callsMethod(v reflect.Value) bool {
	if !v.CanInterface() {
		return false
	}
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return false
		}
		v = v.Elem()
	}
	return hasMethod(v.Type())
}

func hasMethod(t reflect.Type) bool {
	return t.Implements(formatterType) || t.Implements(errorType) || t.Implements(stringerType)
}

// staticDepth caches, per type, how deep a value of it can nest (-1: unknown, because the
// type holds an interface or refers to itself). Such a value is bounded whatever it holds.
var staticDepth sync.Map // reflect.Type -> int

// staticBounded reports whether every value of type t nests at most budget containers deep,
// which t's type alone proves.
func staticBounded(t reflect.Type, budget int) bool {
	d, ok := staticDepth.Load(t)
	if !ok {
		d = typeDepth(t, map[reflect.Type]bool{})
		staticDepth.Store(t, d)
	}
	return d.(int) >= 0 && d.(int) <= budget
}

// typeDepth is the largest container nesting of t's values as fmt prints them below the
// top (pointers are addresses there), or -1 when t's type does not bound it.
func typeDepth(t reflect.Type, open map[reflect.Type]bool) int {
	switch t.Kind() {
	case reflect.Interface:
		return -1
	case reflect.Map, reflect.Slice, reflect.Array, reflect.Struct:
	default:
		return 0
	}
	if open[t] {
		return -1
	}
	open[t] = true
	defer delete(open, t)
	max := 0
	sub := func(u reflect.Type) bool {
		d := typeDepth(u, open)
		if d < 0 {
			return false
		}
		max = maxInt(max, d)
		return true
	}
	switch t.Kind() {
	case reflect.Map:
		if !sub(t.Key()) || !sub(t.Elem()) {
			return -1
		}
	case reflect.Slice, reflect.Array:
		if !sub(t.Elem()) {
			return -1
		}
	case reflect.Struct:
		for i := range t.NumField() {
			if !sub(t.Field(i).Type) {
				return -1
			}
		}
	}
	return max + 1
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
