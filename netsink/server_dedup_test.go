package netsink

import "testing"

// TestDedupForgetsLeastRecent: seeing a sender again, through the map or as the most recent
// sender (the front, found without the lock), keeps it; the least recently seen one goes.
func TestDedupForgetsLeastRecent(t *testing.T) {
	d := NewDedup(2)
	a, b := d.sender([]byte("a")), d.sender([]byte("b"))
	a.last, b.last = 10, 20
	if d.sender([]byte("a")) != a || d.sender([]byte("a")) != a { // from the map, then the front
		t.Fatal("sender a not remembered")
	}
	d.sender([]byte("c")) // b is the least recent: forgotten
	if d.Len() != 2 {
		t.Fatalf("Len %d, want 2", d.Len())
	}
	if s := d.sender([]byte("a")); s != a || s.last != 10 {
		t.Fatal("sender a forgotten")
	}
	if s := d.sender([]byte("b")); s == b || s.last != 0 {
		t.Fatal("sender b still remembered")
	}
	// b came back, c (the least recent) went; b is the front, found without the map.
	if s := d.sender([]byte("b")); s.last != 0 || d.Len() != 2 {
		t.Fatal("sender b is not the front")
	}
	if d.sender([]byte("a")) != a {
		t.Fatal("sender a forgotten instead of c")
	}
}
