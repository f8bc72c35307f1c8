package pickle

import (
	"math/big"
	"time"
)

// mark runs MARK.
func (m *machine) mark(byte) error {
	m.marks = append(m.marks, len(m.stack))
	m.push(mark{})
	return nil
}

// empty runs EMPTY_DICT, EMPTY_LIST, EMPTY_TUPLE and EMPTY_SET.
func (m *machine) empty(code byte) error {
	switch code {
	case '}':
		m.push(&Dict{})
	case ']':
		m.push(&List{})
	case ')':
		m.push(Tuple{})
	default:
		m.push(&Set{})
	}
	return nil
}

// fromMark runs DICT, LIST, TUPLE and FROZENSET: a container of the values above the mark.
func (m *machine) fromMark(code byte) error {
	view, err := m.popMark()
	if err != nil {
		return err
	}
	if code == 'd' {
		d := &Dict{}
		if err := m.setPairs(d, view); err != nil {
			return err
		}
		m.push(d)
		return nil
	}
	items := append([]any(nil), view...)
	switch code {
	case 'l':
		m.push(&List{Items: items})
	case 't':
		m.push(Tuple(items))
	default:
		m.push(&Set{Items: items})
	}
	return nil
}

// tupleN runs TUPLE1, TUPLE2 and TUPLE3: a tuple of the top one to three values.
func (m *machine) tupleN(code byte) error {
	n := int(code-0x85) + 1
	if len(m.stack) < n {
		return m.malformed("stack underflow")
	}
	items := append(Tuple(nil), m.stack[len(m.stack)-n:]...)
	for _, it := range items {
		if _, ok := it.(mark); ok {
			return m.malformed("mark in tuple")
		}
	}
	m.stack = append(m.stack[:len(m.stack)-n], items)
	return nil
}

// appendOne runs APPEND: the top value onto the list below it.
func (m *machine) appendOne(byte) error {
	v, err := m.pop()
	if err != nil {
		return err
	}
	t, err := m.top()
	if err != nil {
		return err
	}
	l, ok := t.(*List)
	if !ok {
		return m.malformed("APPEND to %T", t)
	}
	l.Items = append(l.Items, v)
	return nil
}

// appendMany runs APPENDS (onto a list) and ADDITEMS (into a set): the values above the
// mark.
func (m *machine) appendMany(code byte) error {
	items, err := m.popMark()
	if err != nil {
		return err
	}
	t, err := m.top()
	if err != nil {
		return err
	}
	switch c := t.(type) {
	case *List:
		if code == 'e' {
			c.Items = append(c.Items, items...)
			return nil
		}
	case *Set:
		if code == 0x90 {
			c.Items = append(c.Items, items...)
			return nil
		}
	}
	name := "APPENDS"
	if code == 0x90 {
		name = "ADDITEMS"
	}
	return m.malformed("%s to %T", name, t)
}

// setItem runs SETITEM: key and value into the dict below them.
func (m *machine) setItem(byte) error {
	v, err := m.pop()
	if err != nil {
		return err
	}
	k, err := m.pop()
	if err != nil {
		return err
	}
	d, err := m.dictOnTop("SETITEM")
	if err != nil {
		return err
	}
	d.set(k, m.hashKey(k), v)
	return nil
}

// setItems runs SETITEMS: the key-value pairs above the mark into the dict below it.
func (m *machine) setItems(byte) error {
	items, err := m.popMark()
	if err != nil {
		return err
	}
	d, err := m.dictOnTop("SETITEMS")
	if err != nil {
		return err
	}
	return m.setPairs(d, items)
}

func (m *machine) dictOnTop(what string) (*Dict, error) {
	t, err := m.top()
	if err != nil {
		return nil, err
	}
	d, ok := t.(*Dict)
	if !ok {
		return nil, m.malformed("%s on %T", what, t)
	}
	return d, nil
}

func (m *machine) setPairs(d *Dict, items []any) error {
	if len(items)%2 != 0 {
		return m.malformed("odd number of dict items")
	}
	for k := 0; k < len(items); k += 2 {
		d.set(items[k], m.hashKey(items[k]), items[k+1])
	}
	return nil
}

// noneKey is None's hash key, nil meaning unhashable.
type noneKey struct{}

// hashKey returns the comparable Go value that stands for k in a dict's index: equal
// Python keys give equal hash keys. Nil means we cannot compare k (it is kept without
// the duplicate check).
func (m *machine) hashKey(k any) any {
	switch x := k.(type) {
	case nil:
		return noneKey{}
	case bool, int64, float64, string, Decimal, Date, time.Duration:
		return k
	case *big.Int:
		s, ok := m.bigKeys[x]
		if !ok {
			if m.bigKeys == nil {
				m.bigKeys = map[*big.Int]string{}
			}
			s = "\x00big:" + x.String()
			m.bigKeys[x] = s
		}
		return s
	}
	return nil
}
