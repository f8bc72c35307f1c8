package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

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

// wireDeepFrame is a valid record nested as deep as the decoder allows, each level a map of
// width entries of key (then the next level in the last one), the innermost holding leaf.
func wireDeepFrame(depth, width int, key string, leaf []byte) []byte {
	b := wireRecordPrefix()
	for d := 0; d < depth; d++ {
		b = append(b, 0x80|byte(width))
		for i := 0; i < width-1; i++ {
			b = appendMsgpackStr(b, key)
			b = append(b, leaf...)
		}
		b = appendMsgpackStr(b, key)
	}
	return append(b, leaf...)
}

// wireManyStrings is a valid record whose "attrs" map holds as many distinct keys as fit,
// each with a distinct string value of vlen bytes: every string misses the decoder's table.
func wireManyStrings(size, vlen int) []byte {
	b := append(wireRecordPrefix(), 0xdf, 0, 0, 0, 0)
	n := 0
	for i := 0; ; i++ {
		k := fmt.Sprintf("%x", i)
		v := fmt.Sprintf("%0*x", vlen, i)
		if len(b)+len(k)+len(v)+4 > size {
			break
		}
		b = appendMsgpackStr(appendMsgpackStr(b, k), v)
		n++
	}
	binary.BigEndian.PutUint32(b[len(wireRecordPrefix())+1:], uint32(n))
	return b
}

// wireArrayOfGroups is a valid record with one attribute: an array of as many one-entry
// maps {"":elem} as fit, each decoded as a map[string]any.
func wireArrayOfGroups(size int, elem []byte) []byte {
	b := append(wireRecordPrefix(), 0x81, 0xa1, 'a', 0xdd, 0, 0, 0, 0)
	n := (size - len(b)) / (2 + len(elem))
	binary.BigEndian.PutUint32(b[len(b)-4:], uint32(n))
	for i := 0; i < n; i++ {
		b = append(b, 0x81, 0xa0)
		b = append(b, elem...)
	}
	return b
}

// wireErrorDeep nests maps as deep as allowed under long keys, then fails at the bottom:
// the error names the path of keys.
func wireErrorDeep(size int) []byte {
	key := strings.Repeat("\x01", size/(MaxDepth+2))
	b := wireDeepFrame(MaxDepth-1, 1, key, []byte{0xc1}) // 0xc1: never used by msgpack
	return b
}

// wireHostileFrames are the frames the allocation test and the fuzz targets start from.
func wireHostileFrames(size int) map[string][]byte {
	return map[string][]byte{
		"nested map32 claims":         wireNestedClaims(size, false),
		"nested array32 claims":       wireNestedClaims(size, true),
		"dense nil attrs":             wireDenseFrame(size, []byte{0xc0}),
		"dense int attrs":             wireDenseFrame(size, []byte{0x01}),
		"dense empty groups":          wireDenseFrame(size, []byte{0x80}),
		"dense one-entry groups":      wireDenseFrame(size, []byte{0x81, 0xa0, 0xc0}),
		"dense empty arrays":          wireDenseFrame(size, []byte{0x90}),
		"dense empty bins":            wireDenseFrame(size, []byte{0xc4, 0x00}),
		"dense JSON values":           wireDenseFrame(size, []byte{0xd4, 0x02, '1'}),
		"dense timestamps":            wireDenseFrame(size, []byte{0xd6, 0xff, 0, 0, 0, 1}),
		"array of empty maps":         wireDenseArray(size, []byte{0x80}),
		"array of empty arrays":       wireDenseArray(size, []byte{0x90}),
		"array of negative ints":      wireDenseArray(size, []byte{0xe0}),
		"array of short strings":      wireDenseArray(size, []byte{0xa1, 'x'}),
		"array of one-entry maps":     wireArrayOfGroups(size, []byte{0xc0}),
		"deep wide groups":            wireDeepFrame(MaxDepth-1, 15, "k", []byte{0x01}),
		"deep groups, long keys":      wireDeepFrame(MaxDepth-1, 2, strings.Repeat("k", size/(2*MaxDepth+2)), []byte{0x01}),
		"many distinct strings":       wireManyStrings(size, 1),
		"many distinct long strings":  wireManyStrings(size, 120),
		"error under deep, long keys": wireErrorDeep(size),
	}
}

// Decoding allocates at most BudgetPerByte bytes per byte of frame, plus BudgetSlack,
// whatever the lengths claim and however dense the frame: past that it is refused with
// ErrTooDense before the allocation that would exceed it. Measured with one connection's
// decoder (made before, as the Server makes it when the connection opens). Before the
// budget, the 1 MiB "nested map32 claims" frame allocated 20 MiB and a dense valid frame up
// to 64 times its size.
func TestDecodeRecordAllocsWithinBudget(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("the race runtime allocates more (sync.Pool drops items: json.Valid's scanner)")
	}
	for _, size := range []int{1 << 10, 64 << 10, 1 << 20} {
		for name, p := range wireHostileFrames(size) {
			alloc, err := wireDecodeAlloc(p)
			if size == 1<<20 {
				t.Logf("%s: %d-byte frame, %d bytes allocated (%.1fx): %v", name, len(p), alloc, float64(alloc)/float64(len(p)), wireShort(err))
			}
			if strings.HasPrefix(name, "nested") && err == nil {
				t.Errorf("%s: decoded", name)
			}
			if err != nil && !errors.Is(err, ErrMalformed) {
				t.Errorf("%s: error does not wrap ErrMalformed: %v", name, err)
			}
			if bound := uint64(Budget(len(p))); alloc > bound {
				t.Errorf("%s, %d bytes: %d bytes allocated, budget %d (%dx + %d)", name, len(p), alloc, bound, BudgetPerByte, BudgetSlack)
			}
		}
	}
}

// wireDecodeAlloc decodes p with a new connection decoder (made before, as the Server makes
// it when the connection opens) and returns what decoding allocated: the least of three
// runs, since whatever else the runtime allocates meanwhile only adds.
func wireDecodeAlloc(p []byte) (alloc uint64, err error) {
	for i := range 3 {
		dec := NewDec()
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		_, _, err = dec.record(p)
		runtime.ReadMemStats(&m1)
		if a := m1.TotalAlloc - m0.TotalAlloc; i == 0 || a < alloc {
			alloc = a
		}
	}
	return alloc, err
}

// wireShort cuts an error's message for a log line.
func wireShort(err error) string {
	if err == nil {
		return "decoded"
	}
	s := err.Error()
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}

// Frames a sender writes decode within the budget, however many attributes and groups
// they hold: the budget refuses only frames denser than records are.
func TestDecodeRecordBudgetKeepsRealRecords(t *testing.T) {
	big := slog.NewRecord(time.Unix(1700000000, 0), slog.LevelInfo, "request served", 0)
	for i := range 2000 {
		big.AddAttrs(slog.Int(fmt.Sprintf("field_%d", i), i))
	}
	var group []any
	for i := range 300 {
		group = append(group, slog.String(fmt.Sprintf("key_%d", i), fmt.Sprint("value ", i)),
			slog.Group(fmt.Sprintf("http_%d", i), slog.Int("status", 200), slog.String("method", "GET")))
	}
	grouped := slog.NewRecord(time.Unix(1700000000, 0), slog.LevelInfo, "m", 0)
	grouped.AddAttrs(slog.Group("req", group...))
	small := slog.NewRecord(time.Time{}, 0, "", 0)
	small.AddAttrs(slog.String("a", "b"), slog.Any("e", []byte("x")), slog.Any("j", map[string]int{"a": 1}),
		slog.Time("t", time.Unix(1, 2)), slog.Group("g", slog.String("c", "d")), slog.Int("n", 1))
	for name, r := range map[string]slog.Record{"2000 int attrs": big, "300 strings and 300 groups in a group": grouped, "6 attrs of every form": small} {
		p := New().Append(nil, r)
		dec := NewDec()
		got, _, err := dec.record(p)
		if err != nil {
			t.Fatalf("%s (%d bytes): %v", name, len(p), err)
		}
		if n := got.NumAttrs(); n != r.NumAttrs() {
			t.Errorf("%s: %d attrs, want %d", name, n, r.NumAttrs())
		}
		t.Logf("%s: %d bytes, %d left of a budget of %d", name, len(p), dec.budget, Budget(len(p)))
	}
}

// The budget's costs are upper bounds of what the runtime allocates for each object the
// decoder makes: slices and strings of every size class, maps of any size.
func TestAllocCostCoversRuntimeAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("the race runtime allocates differently")
	}
	var sinkB []byte
	var sinkA []any
	var sinkM map[string]any
	// The least of three rounds: what the runtime allocates meanwhile (a few kilobytes,
	// now and then) only adds.
	measure := func(f func()) uint64 {
		const runs = 64
		var least uint64
		for i := range 3 {
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			for range runs {
				f()
			}
			runtime.ReadMemStats(&m1)
			if a := (m1.TotalAlloc - m0.TotalAlloc) / runs; i == 0 || a < least {
				least = a
			}
		}
		return max(least, 8) - 8 // and a few hundred bytes in all, far below a size class step
	}
	for n := 1; n <= 256<<10; n += 1 + n/7 {
		if got := measure(func() { sinkB = make([]byte, n) }); got > uint64(allocCost(n)) {
			t.Errorf("%d bytes: allocated %d, cost %d", n, got, allocCost(n))
		}
		if got := measure(func() { sinkA = make([]any, n/16+1) }); got > uint64(allocCost((n/16+1)*16)) {
			t.Errorf("%d interfaces: allocated %d, cost %d", n/16+1, got, allocCost((n/16+1)*16))
		}
	}
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = fmt.Sprint(i)
	}
	for _, n := range []int{0, 1, 7, 8, 9, 14, 15, 16, 100, 500, 896, 897, 1000, 4096} {
		got := measure(func() {
			m := make(map[string]any, n)
			for _, k := range keys[:n] {
				m[k] = nil
			}
			sinkM = m
		})
		if got > uint64(mapCost(n)) {
			t.Errorf("map of %d: allocated %d, cost %d", n, got, mapCost(n))
		}
	}
	_, _, _ = sinkB, sinkM, sinkA
}
