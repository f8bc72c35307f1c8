package anyfmt

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

type inner struct {
	N    int
	s    string
	f    float32
	Any  any
	hide any
}

type stringerT struct{ v int }

func (s stringerT) String() string { return fmt.Sprintf("S(%d)", s.v) }

type node struct {
	Name string
	Next *node
	Kids map[string]any
}

// print forces the bounded printer, which must agree with fmt on every acyclic value.
func print(a any, plus bool) string {
	p := printer{plus: plus}
	p.value(reflect.ValueOf(a), 0, true)
	return string(p.b)
}

func acyclic() []any {
	var nilMap map[string]int
	var nilPtr *inner
	x := 5
	return []any{
		nil, 1, "s", 1.5, math.Inf(-1), math.NaN(), float32(0.1), complex(1, -2), true, uintptr(7),
		map[string]any{"b": 1, "a": []any{1, "x", nil}, "c": map[int]string{3: "z", -1: "y"}},
		map[float64]int{math.NaN(): 1, 2: 2, -1: 3}, map[bool]int{true: 1, false: 0},
		map[any]int{"a": 1, 2: 2, "b": 3}, map[[2]int]string{{2, 1}: "a", {1, 9}: "b"},
		[]byte("hi"), [3]int{1, 2, 3}, []string{}, nilMap, nilPtr, &x,
		inner{N: 1, s: "x", f: 2.5, Any: stringerT{3}, hide: stringerT{4}},
		&inner{Any: errors.New("boom"), hide: map[string]int{"k": 1}},
		[]any{stringerT{1}, &stringerT{2}, time.Duration(3), errors.New("e")},
		node{Name: "a", Next: &node{Name: "b"}, Kids: map[string]any{"k": []int{1}}},
		&node{Name: "top", Next: &node{}},
		struct{ C chan int }{}, struct{ F func() }{},
	}
}

func TestPrinterMatchesFmt(t *testing.T) {
	for i, a := range acyclic() {
		for _, plus := range []bool{false, true} {
			want := fmt.Sprint(a)
			if plus {
				want = fmt.Sprintf("%+v", a)
			}
			if strings.Contains(want, "0x") {
				continue // addresses differ in no way we could check: skip those lines
			}
			if got := print(a, plus); got != want {
				t.Errorf("%d (%T) plus=%v:\ngot  %s\nwant %s", i, a, plus, got, want)
			}
			if !bounded(a) {
				t.Errorf("%d (%T): not bounded", i, a)
			}
			if got := Sprint(a, plus); got != want {
				t.Errorf("%d (%T) Sprint: %s", i, a, got)
			}
		}
	}
}

// cycles are values fmt recurses into forever: each crashed the process before.
func cycles() map[string]any {
	m := map[string]any{"k": 1}
	m["self"] = m
	two := map[string]any{}
	two["a"], two["b"] = two, two // without cycle detection: 2^32 lines
	s := []any{1, nil}
	s[1] = s
	type wrap struct{ M map[string]any }
	w := map[string]any{}
	w["w"] = wrap{M: w}
	type hidden struct{ m map[string]any }
	h := map[string]any{}
	h["h"] = hidden{m: h}
	n := &node{Name: "n"}
	n.Next = n
	n.Kids = map[string]any{"n": n}
	km := map[string]any{}
	km["n"] = node{Kids: km}
	a, b := map[string]any{}, map[string]any{}
	a["b"], b["a"] = b, a
	return map[string]any{"map": m, "fan-out": two, "slice": s, "struct": w, "unexported": h,
		"pointer": n, "struct-in-map": km, "mutual": a}
}

func TestCycles(t *testing.T) {
	for name, a := range cycles() {
		for _, plus := range []bool{false, true} {
			got := Sprint(a, plus)
			if name == "pointer" {
				// fmt follows a pointer only at the top: it never loops on one.
				if want := fmt.Sprintf("%+v", a); plus && got != want {
					t.Errorf("%s: %s, want fmt's %s", name, got, want)
				}
				continue
			}
			if !strings.Contains(got, Cycle) || len(got) > 400 {
				t.Errorf("%s plus=%v: %q", name, plus, got)
			}
		}
	}
	if got, want := Sprint(cycles()["map"], false), "map[k:1 self:map[!CYCLE]]"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got, want := Sprint(cycles()["slice"], true), "[1 [!CYCLE]]"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestDepth(t *testing.T) {
	var deep any = "end"
	for range MaxDepth {
		deep = []any{deep}
	}
	if got, want := Sprint(deep, false), fmt.Sprint(deep); got != want {
		t.Fatalf("MaxDepth levels: %s, want fmt's %s", got, want)
	}
	deeper := []any{deep}
	got := Sprint(deeper, false)
	// The innermost slice is the 33rd container: its brackets are written, its contents not.
	if want := strings.Repeat("[", MaxDepth+1) + Depth + strings.Repeat("]", MaxDepth+1); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestBoundedNoAllocsForFlatTypes(t *testing.T) {
	for _, a := range []any{map[string]string{"a": "b"}, []int{1, 2}, inner{}, &inner{}, struct{ A, B int }{}} {
		bounded(a)
		if n := testing.AllocsPerRun(100, func() { bounded(a) }); n != 0 {
			t.Errorf("%T: %v allocs", a, n)
		}
	}
}

type hiddenStringer struct{ m map[string]any }

type loopStringer map[string]any

func (l loopStringer) String() string { return "loop" }

// TestReadOnlyMethods: fmt calls no method on what it reaches through an unexported field,
// and recurses into it instead; the check must see the same.
func TestReadOnlyMethods(t *testing.T) {
	l := loopStringer{}
	l["l"] = l
	if got := Sprint(map[string]any{"x": l}, false); got != "map[x:loop]" {
		t.Errorf("exported: %s", got)
	}
	h := hiddenStringer{m: map[string]any{"l": l}}
	if got := Sprint(h, false); !strings.Contains(got, Cycle) {
		t.Errorf("through an unexported field: %s", got)
	}
}
