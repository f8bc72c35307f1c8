package fluentwire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

func readerOf(b []byte) *Reader {
	d := NewReader(bufio.NewReader(bytes.NewReader(b)), "value", 8)
	d.Begin(len(b))
	return d
}

// Value reads every msgpack form as the Go value its doc names.
func TestValue(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	in := []any{nil, true, false, int8(-3), int16(-300), int32(-70000), int64(math.MinInt64), uint8(200), uint16(60000),
		uint32(4e9), uint64(math.MaxUint64), float32(1.5), 2.25, "s", []byte{1, 2}, []any{"a", int8(1)},
		map[string]any{"k": map[string]any{}}, at}
	want := []any{nil, true, false, int64(-3), int64(-300), int64(-70000), int64(math.MinInt64), int64(200), int64(60000),
		int64(4e9), uint64(math.MaxUint64), 1.5, 2.25, "s", []byte{1, 2}, []any{"a", int64(1)},
		map[string]any{"k": map[string]any{}}, at}
	b, err := msgpack.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readerOf(b).Value(0)
	if err != nil {
		t.Fatal(err)
	}
	g := got.([]any)
	g[len(g)-1] = g[len(g)-1].(time.Time).UTC()
	if !reflect.DeepEqual(g, want) {
		t.Errorf("got  %#v\nwant %#v", g, want)
	}
	// Forward's EventTime, and all zero as the zero time.
	ev := []byte{0xd7, 0x00, 0, 0, 0, 1, 0, 0, 0, 2}
	if v, err := readerOf(ev).Value(0); err != nil || !v.(time.Time).Equal(time.Unix(1, 2)) {
		t.Errorf("EventTime: %v, %v", v, err)
	}
	if v, err := readerOf([]byte{0xd7, 0x00, 0, 0, 0, 0, 0, 0, 0, 0}).Value(0); err != nil || !v.(time.Time).IsZero() {
		t.Errorf("EventTime 0: %v, %v", v, err)
	}
}

// Nesting is bounded for Value and Skip alike; claims are checked against the limit.
func TestReaderBounds(t *testing.T) {
	deep := append(bytes.Repeat([]byte{0x91}, 9), 0xc0)
	if _, err := readerOf(deep).Value(0); err == nil || !strings.Contains(err.Error(), "nested deeper than 8") {
		t.Errorf("Value: %v", err)
	}
	if err := readerOf(deep).Skip(0); err == nil || !strings.Contains(err.Error(), "nested deeper than 8") {
		t.Errorf("Skip: %v", err)
	}
	if _, err := readerOf([]byte{0xdd, 0, 0, 1, 0}).Value(0); !errors.Is(err, ErrTooLarge) {
		t.Errorf("array of 256 items in 5 bytes: %v", err)
	}
}

// A string claiming more than was sent costs what was sent: its bytes are read as they
// arrive, not allocated at once from the claim.
func TestReadGrowsAsBytesArrive(t *testing.T) {
	b := append([]byte{0xdb, 0x04, 0x00, 0x00, 0x00}, make([]byte, 100)...) // claims 64 MiB
	d := NewReader(bufio.NewReader(bytes.NewReader(b)), "value", 8)
	d.Begin(128 << 20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := d.Value(0)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err %v", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("allocated %d KiB for 100 bytes claiming 64 MiB", got>>10)
	}
}
