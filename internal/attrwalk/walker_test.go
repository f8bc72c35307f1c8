package attrwalk

import (
	"log/slog"
	"testing"
	"time"
)

// TestPlainKind pins the set of plain kinds: values that need no resolving and are never
// empty, which encoders write without walking.
func TestPlainKind(t *testing.T) {
	plain := map[slog.Kind]bool{
		slog.KindString: true, slog.KindInt64: true, slog.KindUint64: true, slog.KindFloat64: true,
		slog.KindBool: true, slog.KindDuration: true, slog.KindTime: true,
	}
	for k := slog.KindAny; k <= slog.KindLogValuer+1; k++ {
		if got := PlainKind(k); got != plain[k] {
			t.Errorf("PlainKind(%v) = %v, want %v", k, got, plain[k])
		}
	}
	if PlainKind(200) {
		t.Error("PlainKind(200) = true")
	}
}

// TestDirect checks that Plain is Direct and PlainKind, and that Direct turns true once the
// base groups are open.
func TestDirect(t *testing.T) {
	var w Walker
	w.Begin(Rules{}, []string{"g"}, 0)
	a := slog.Int("n", 1)
	if w.Direct() || w.Plain(a) {
		t.Fatal("direct before the base group is open")
	}
	w.Add(a)
	var evs []Event
	for ev := w.Next(); ev != Done; ev = w.Next() {
		evs = append(evs, ev)
	}
	if len(evs) != 2 || evs[0] != Open || evs[1] != Leaf {
		t.Fatalf("events %v, want Open Leaf", evs)
	}
	if !w.Direct() || !w.Plain(a) || !w.Plain(slog.Time("t", time.Time{})) {
		t.Fatal("not direct once the base group is open")
	}
	if w.Plain(slog.Group("g2", a)) || w.Plain(slog.Any("x", nil)) {
		t.Fatal("a group or an any value reported plain")
	}
	w.Begin(Rules{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { return a }}, nil, 0)
	if w.Direct() {
		t.Fatal("direct with ReplaceAttr")
	}
	w.End()
}
