package pickle

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// referenced builds {"l": [s, s, s, ...]}: one str of n bytes, memoized once, then
// referenced refs-1 times with BINGET — what CPython itself emits for [s] * refs.
func referenced(n, refs int) []byte {
	var b bytes.Buffer
	b.WriteString("}q\x00X\x01\x00\x00\x00lq\x01]q\x02(X")
	_ = binary.Write(&b, binary.LittleEndian, uint32(n))
	b.WriteString(strings.Repeat("a", n))
	b.WriteString("q\x03")
	for i := 1; i < refs; i++ {
		b.WriteString("h\x03")
	}
	b.WriteString("es.")
	return b.Bytes()
}

func TestLimitsExpandedSize(t *testing.T) {
	p := referenced(10000, 6000) // 22 kB that expand to 60 MB
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	_, err := Decode(p, Limits{MaxSize: 1 << 20})
	runtime.ReadMemStats(&m1)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "to more than 1048576 bytes") {
		t.Fatalf("err = %v", err)
	}
	// A 2-byte BINGET becomes a 16-byte slot on the stack (grown by doubling), then in the
	// list: about 17 bytes allocated per input byte, whatever the references expand to.
	if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > 20*uint64(len(p)) {
		t.Errorf("allocated %d bytes for a %d-byte pickle", alloc, len(p))
	}

	// Without references the same bytes cost no more than their length.
	var flat bytes.Buffer
	flat.WriteString("](")
	for i := 0; i < 1000; i++ {
		flat.WriteString("X\x05\x00\x00\x00abcde")
	}
	flat.WriteString("e.")
	if _, err := Decode(flat.Bytes(), Limits{MaxSize: flat.Len()}); err != nil {
		t.Errorf("flat list of %d bytes: %v", flat.Len(), err)
	}
	// A few references within the limit are fine.
	if _, err := Decode(referenced(100, 50), Limits{MaxSize: 1 << 20}); err != nil {
		t.Error(err)
	}
}

func TestLimitsBigInts(t *testing.T) {
	// A 4300-digit int is what CPython can still format: accepted once, refused when
	// referenced past the limit.
	var b bytes.Buffer
	b.WriteString("](\x8b")
	_ = binary.Write(&b, binary.LittleEndian, uint32(maxLongBytes))
	b.WriteString(strings.Repeat("\x11", maxLongBytes-1) + "\x01q\x00")
	for i := 0; i < 300; i++ {
		b.WriteString("h\x00")
	}
	b.WriteString("e.")
	if _, err := Decode(b.Bytes(), Limits{MaxSize: 1 << 20}); !errors.Is(err, ErrRefused) {
		t.Errorf("300 references to a 4300-digit int: %v", err)
	}
	if _, err := Decode(b.Bytes(), Limits{MaxSize: 2 << 20}); err != nil {
		t.Errorf("within 2 MiB: %v", err)
	}
	// One byte more, or a text int of 4301 digits, is refused outright.
	long := "\x8b\xfb\x06\x00\x00" + strings.Repeat("\x11", maxLongBytes+1) + "."
	text := "L" + strings.Repeat("9", maxIntDigits+1) + "L\n."
	for _, p := range []string{long, text} {
		if _, err := Decode([]byte(p), Limits{}); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "4300 digits") {
			t.Errorf("%.10q: %v", p, err)
		}
	}
}

// A memo bomb — list_i+1 = [list_i, list_i], 60 times — describes 2^60 nodes; the walk
// stops at the budget.
func TestLimitsMemoBomb(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("]q\x00")
	for i := 0; i < 60; i++ {
		b.WriteString("]q\x01h\x00h\x00\x86q\x02h\x01h\x02a0h\x01q\x00")
	}
	b.WriteString("h\x00.")
	if _, err := Decode(b.Bytes(), Limits{MaxDepth: 100}); !errors.Is(err, ErrRefused) {
		t.Errorf("err = %v", err)
	}
}
