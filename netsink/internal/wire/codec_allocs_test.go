package wire

import (
	"log/slog"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink/internal/nettest"
)

// The collector's hot path: a record of 5 attributes decodes without allocating once the
// connection's string table holds its strings (slog.Record holds 5 attributes inline).
// A group costs its one slice.
func TestDecodeRecordAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items under -race")
	}
	flat := New().Append(nil, nettest.BenchRecord())
	grouped := New().WithAttrs([]slog.Attr{slog.String("service", "api")}).WithGroup("req").
		Append(nil, nettest.BenchRecord())
	dec := NewDec()
	for _, tc := range []struct {
		name string
		p    []byte
		max  float64
	}{{"5 attrs", flat, 0}, {"5 attrs in a group", grouped, 1}} {
		if n := testing.AllocsPerRun(100, func() { _, _, _ = dec.record(tc.p) }); n > tc.max {
			t.Errorf("%s: %v allocs per record, want <= %v", tc.name, n, tc.max)
		}
		if n := testing.AllocsPerRun(100, func() { _, _ = DecodeRecord(tc.p) }); n > tc.max {
			t.Errorf("DecodeRecord, %s: %v allocs per record, want <= %v", tc.name, n, tc.max)
		}
	}
}

// BenchmarkDecodeRecord5Attrs: the record a Socket sends for the 5attrs case, flat, through
// one connection's decoder (what the Server does per frame).
func BenchmarkDecodeRecord5Attrs(b *testing.B) {
	p := New().Append(nil, nettest.BenchRecord())
	dec := NewDec()
	b.ReportAllocs()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if _, _, err := dec.record(p); err != nil {
			b.Fatal(err)
		}
	}
}
