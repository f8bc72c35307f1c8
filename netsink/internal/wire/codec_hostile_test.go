package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
)

// wireRecordPrefix starts a record frame whose "attrs" value follows: {"v":1,"attrs":...}.
func wireRecordPrefix() []byte {
	return []byte{0x82, 0xa1, 'v', 0x01, 0xa5, 'a', 't', 't', 'r', 's'}
}

// wireNestedClaims is the frame of issue 15: nested map32 (or array32) headers, each
// claiming as many entries as half (or all) of the bytes after it could hold, filled up to
// size. Before the fix every level pre-sized a slice from its claim.
func wireNestedClaims(size int, array bool) []byte {
	b := wireRecordPrefix()
	if array {
		b = append(b, 0x81, 0xa1, 'a') // attrs are a map: the arrays go under "a"
	}
	for len(b)+6 < size {
		left := size - len(b) - 5
		if array {
			b = append(b, 0xdd)
			b = binary.BigEndian.AppendUint32(b, uint32(left))
		} else {
			b = append(b, 0xdf)
			b = binary.BigEndian.AppendUint32(b, uint32(left/2))
			b = append(b, 0xa0) // key ""
		}
	}
	return append(b, bytes.Repeat([]byte{0xc0}, size-len(b))...)
}

// wireDenseFrame is a valid record whose "attrs" map holds as many entries of elem (key ""
// then elem) as fit in size: the most output a frame of that size can legitimately ask for.
func wireDenseFrame(size int, elem []byte) []byte {
	b := append(wireRecordPrefix(), 0xdf, 0, 0, 0, 0)
	n := (size - len(b)) / (1 + len(elem))
	binary.BigEndian.PutUint32(b[len(b)-4:], uint32(n))
	for i := 0; i < n; i++ {
		b = append(b, 0xa0)
		b = append(b, elem...)
	}
	return b
}

// wireDenseArray is a valid record with one attribute: an array of as many elem as fit.
func wireDenseArray(size int, elem []byte) []byte {
	b := append(wireRecordPrefix(), 0x81, 0xa1, 'a', 0xdd, 0, 0, 0, 0)
	n := (size - len(b)) / len(elem)
	binary.BigEndian.PutUint32(b[len(b)-4:], uint32(n))
	for i := 0; i < n; i++ {
		b = append(b, elem...)
	}
	return b
}

// wireHostileFrames are the frames the allocation test and the fuzz targets start from.
func wireHostileFrames(size int) map[string][]byte {
	return map[string][]byte{
		"nested map32 claims":    wireNestedClaims(size, false),
		"nested array32 claims":  wireNestedClaims(size, true),
		"dense nil attrs":        wireDenseFrame(size, []byte{0xc0}),
		"dense empty groups":     wireDenseFrame(size, []byte{0x80}),
		"dense empty arrays":     wireDenseFrame(size, []byte{0x90}),
		"array of empty maps":    wireDenseArray(size, []byte{0x80}),
		"array of empty arrays":  wireDenseArray(size, []byte{0x90}),
		"array of negative ints": wireDenseArray(size, []byte{0xe0}),
	}
}

// wireAllocBound is what decoding may allocate per byte of frame. The floor is the output
// itself: a 2-byte attribute (key "", value nil) becomes a 40-byte slog.Attr, kept once in
// its group and copied once more into the slog.Record at the top level (40x); a 1-byte empty
// map in an array becomes a 16-byte interface and a 48-byte map[string]any (64x).
const wireAllocBound = 64

// wireAllocSlack is a fixed allowance on top of the per-byte bound: a decoder's own tables
// (a few KB) and whatever the runtime allocates meanwhile. The hostile frames that failed
// this test allocated hundreds of times the frame, far beyond it.
const wireAllocSlack = 64 << 10

// Decoding allocates in proportion to the bytes present, whatever the lengths claim.
// Before the fix, the 1 MiB "nested map32 claims" frame allocated about 600 MiB.
func TestDecodeRecordAllocationBounded(t *testing.T) {
	const size = 1 << 20
	bound := uint64(wireAllocBound)
	if testutil.RaceEnabled {
		bound += bound / 2 // the race runtime grows slog.Record's attribute slice less tightly
	}
	for name, p := range wireHostileFrames(size) {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		_, err := DecodeRecord(p)
		runtime.ReadMemStats(&m1)
		alloc := m1.TotalAlloc - m0.TotalAlloc
		t.Logf("%s: %d-byte frame, %d bytes allocated (%.1fx): %v", name, len(p), alloc, float64(alloc)/float64(len(p)), err)
		if strings.HasPrefix(name, "nested") && err == nil {
			t.Errorf("%s: decoded", name)
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: error does not wrap ErrMalformed: %v", name, err)
		}
		if alloc > bound*uint64(len(p))+wireAllocSlack {
			t.Errorf("%s: %d bytes allocated for a %d-byte frame, bound %dx", name, alloc, len(p), bound)
		}
	}
}
