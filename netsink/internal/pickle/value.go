package pickle

// Python containers as Decode yields them. List, Dict and Set are pointers because memo
// references share them and APPEND, SETITEM and ADDITEMS change them in place; a value
// reached twice is the same pointer, and a list may contain itself.
type (
	// List is a Python list.
	List struct{ Items []any }

	// Tuple is a Python tuple.
	Tuple []any

	// Set is a Python set or frozenset, in the order the pickle lists its items.
	Set struct{ Items []any }

	// Dict is a Python dict: Keys[i] maps to Values[i], in insertion order, a repeated
	// key keeping its first position and its last value, as in Python.
	Dict struct {
		Keys, Values []any
		index        map[any]int // hash key -> position, for the keys Go can compare
	}
)

// mark is MARK's placeholder on the stack.
type mark struct{}

// set stores v under k; hk is k's hash key, or nil when k is unhashable for us (a list
// key fails in Python too; a bytes or tuple key is kept, without the duplicate check).
func (d *Dict) set(k, hk, v any) {
	if hk == nil {
		d.Keys, d.Values = append(d.Keys, k), append(d.Values, v)
		return
	}
	if d.index == nil {
		d.index = make(map[any]int)
	}
	if i, ok := d.index[hk]; ok {
		d.Values[i] = v
		return
	}
	d.index[hk] = len(d.Keys)
	d.Keys, d.Values = append(d.Keys, k), append(d.Values, v)
}
