//go:build unix

package deliver

import (
	"context"
	"testing"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink/internal/spool"
	"github.com/slogx/handlers/slogx"
)

// discard is a transport whose Send accepts everything at once: what a Write costs is then
// the engine's own work (and the sender's, settling).
type discard struct{}

func (discard) Connect(context.Context) (Conn, error) { return discard{}, nil }
func (discard) Send(context.Context, *Batch) error    { return nil }
func (discard) Close() error                          { return nil }

// benchEngine is an engine over discard, with a spool in dir when dir is set. Block with a
// long EnqueueTimeout: nothing is dropped, so both measure the accepted path.
func benchEngine(tb testing.TB, dir string) *Engine {
	o := Options{Name: "bench", Overflow: slogx.Block, EnqueueTimeout: time.Minute, Stamp: stampSeq,
		Buffer: 64 << 20, RecycleChunks: true} // as Socket and Forward
	if dir != "" {
		o.Spool = spool.Options{Dir: dir, MaxBytes: 256 << 20}
	}
	e, err := Open(discard{}, slogx.NewReporter(func(error) {}), o)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// BenchmarkWrite is one record's Write, in memory and through the spool (no Sync).
func BenchmarkWrite(b *testing.B) {
	for _, mode := range []string{"memory", "spool"} {
		b.Run(mode, func(b *testing.B) {
			dir := ""
			if mode == "spool" {
				dir = b.TempDir()
			}
			e := benchEngine(b, dir)
			defer e.Close()
			r := make([]byte, 200)
			b.ReportAllocs()
			b.SetBytes(int64(len(r)))
			for b.Loop() {
				if _, err := e.Write(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Writing through the spool allocates nothing per record.
func TestSpoolWriteAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("allocation counts are checked without -race")
	}
	e := benchEngine(t, t.TempDir())
	defer e.Close()
	r := make([]byte, 200)
	for range 1000 {
		e.Write(r)
	}
	if n := testing.AllocsPerRun(20000, func() {
		if _, err := e.Write(r); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("a spooled Write allocates %v times", n)
	}
}
