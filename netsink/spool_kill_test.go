//go:build unix

package netsink

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/slogx"
)

const spoolKillRecords = 200_000

func spoolSocket(t testing.TB, addr, dir string) *Socket {
	h, err := NewSocket(addr, SocketOptions{Delivery: Delivery{
		Spool:        Spool{Dir: dir, MaxBytes: 256 << 20},
		Backoff:      Backoff{Initial: 10 * time.Millisecond, Max: 50 * time.Millisecond},
		CloseTimeout: 100 * time.Millisecond, // what is left stays in the spool
	}}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// An application killed with SIGKILL in the middle of 200,000 records sent to a Server
// through a spooled Socket: the next run with the same Dir delivers every record Handle had
// accepted, and the Server's Dedup hands each to its handler once, those the first run sent
// but saw no acknowledgement for included (the sender identity is the spool's, and the
// sequence numbers go on). Once with the Server up during the first run, once with it down
// for the whole of it.
func TestSpoolSocketSurvivesKill(t *testing.T) {
	if dir := os.Getenv("SLOGX_SPOOL_DIR"); dir != "" {
		nettest.KillApp(spoolSocket(t, os.Getenv("SLOGX_SPOOL_ADDR"), dir), spoolKillRecords)
		return
	}
	for _, up := range []bool{true, false} {
		name := map[bool]string{true: "server-up", false: "server-down"}[up]
		t.Run(name, func(t *testing.T) {
			nettest.NoLeak(t)
			capt := newWireCapture()
			srv := &Server{Handler: capt, Dedup: NewDedup(0), OnError: func(error) {}}
			addr := wireServe(t, srv, "127.0.0.1:0")
			first := addr
			if !up {
				first = nettest.DownAddr(t)
			}
			dir := t.TempDir()
			accepted := nettest.KillDuring(t, "TestSpoolSocketSurvivesKill", 100_000,
				"SLOGX_SPOOL_DIR="+dir, "SLOGX_SPOOL_ADDR="+first)

			h := spoolSocket(t, addr, dir)
			nettest.Flush(t, h)
			st := h.Stats()
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, r := range capt.records() {
				got = append(got, wireAttrInt(r, "n"))
			}
			top, dups := nettest.CheckArrived(t, got, accepted, spoolKillRecords)
			if dups != 0 {
				t.Fatalf("%d records handled twice", dups)
			}
			if st.Recovered == 0 || (!up && st.Recovered != uint64(top)) || st.Records != st.Recovered {
				t.Fatalf("second run: %+v; %d records arrived", st, top)
			}
			t.Logf("Handle accepted at least %d; %d arrived, each once; the second run recovered %d; the Server dropped %d duplicates",
				accepted, top, st.Recovered, srv.Stats().Duplicates)
		})
	}
}

// Handle through a spool allocates nothing: the record is encoded into the pooled buffer and
// copied into the mapped segment.
func TestSpoolSocketHandleAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("allocation counts are checked without -race")
	}
	nettest.NoLeak(t)
	h := spoolSocket(t, nettest.DownAddr(t), t.TempDir())
	defer h.Close()
	ctx := context.Background()
	r := nettest.BenchRecord()
	for range 100 {
		if err := h.Handle(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if n := testing.AllocsPerRun(5000, func() {
		if err := h.Handle(ctx, r); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("Handle with a spool allocates %v times", n)
	}
}
