package wire

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestWireStringsByPosition decodes, with one connection's decoder, frames whose strings
// repeat at the same positions, move, change length, or are too long to keep: every string
// comes back as sent, and what the table keeps from the previous frame stays bounded.
func TestWireStringsByPosition(t *testing.T) {
	long := strings.Repeat("x", wireStringMax+1)
	frames := [][]string{
		{"msg", "a", "b", "c"},
		{"msg", "a", "b", "c"},        // all at the same positions
		{"msg", "b", "a", "c"},        // swapped
		{"msg", "ab", "", "c"},        // other lengths, an empty one
		{long, long + "y", "a", long}, // too long to keep
		{"msg", "a", "b", "c"},
	}
	// More strings than wireStringLast: the ones past it go to the hash table only.
	var many []string
	for i := range 2 * wireStringLast {
		many = append(many, fmt.Sprint("k", i%7))
	}
	frames = append(frames, many, many)
	dec := NewDec()
	for i, strs := range frames {
		r := slog.NewRecord(time.Unix(1, 0), 0, strs[0], 0)
		for j, s := range strs[1:] {
			r.AddAttrs(slog.String(fmt.Sprint("key", j), s))
		}
		got, _, err := dec.record(EncodeRecord(nil, r))
		if err != nil {
			t.Fatal(err)
		}
		if got.Message != strs[0] {
			t.Errorf("frame %d: message %q, want %q", i, got.Message, strs[0])
		}
		j := 0
		got.Attrs(func(a slog.Attr) bool {
			if want := strs[1+j]; a.Key != fmt.Sprint("key", j) || a.Value.String() != want {
				t.Errorf("frame %d: attr %d = %s, want key%d=%s", i, j, a, j, want)
			}
			j++
			return true
		})
		if j != len(strs)-1 {
			t.Errorf("frame %d: %d attrs, want %d", i, j, len(strs)-1)
		}
		for k, s := range dec.strs.last {
			if len(s) > wireStringMax {
				t.Fatalf("frame %d: last[%d] keeps a string of %d bytes", i, k, len(s))
			}
		}
	}
}
