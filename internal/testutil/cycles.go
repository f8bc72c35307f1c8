package testutil

type cycleNode struct {
	Name string
	Next *cycleNode
	Kids map[string]any
}

// CyclicValues are values that contain themselves: fmt recurses into the map and the slice
// forever, which overflows the stack and kills the test binary.
func CyclicValues() map[string]any {
	m := map[string]any{"k": 1}
	m["self"] = m
	fan := map[string]any{}
	fan["a"], fan["b"] = fan, fan
	s := []any{1, nil}
	s[1] = s
	n := &cycleNode{Name: "n"}
	n.Next = n
	n.Kids = map[string]any{"n": n, "m": m}
	return map[string]any{"map": m, "fan-out map": fan, "slice": s, "pointer struct": n}
}
