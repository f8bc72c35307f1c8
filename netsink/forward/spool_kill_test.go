//go:build unix

package forward

import (
	"os"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/forward/forwardtest"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/slogx"
)

const spoolKillRecords = 200_000

func spoolForward(t testing.TB, addr, dir string) *Handler {
	h, err := New(addr, Options{Delivery: netsink.Delivery{
		Spool:   netsink.Spool{Dir: dir, MaxBytes: 256 << 20},
		Backoff: netsink.Backoff{Initial: 10 * time.Millisecond, Max: 50 * time.Millisecond},
	}}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// A Forward receiver down for the whole first run, and the application killed with SIGKILL
// in the middle of 200,000 records: the second run, with the receiver up, delivers every
// record Handle had accepted, in order.
func TestSpoolForwardSurvivesKill(t *testing.T) {
	if dir := os.Getenv("SLOGX_SPOOL_DIR"); dir != "" {
		nettest.KillApp(spoolForward(t, os.Getenv("SLOGX_SPOOL_ADDR"), dir), spoolKillRecords)
		return
	}
	nettest.NoLeak(t)
	down := nettest.DownAddr(t)
	dir := t.TempDir()
	accepted := nettest.KillDuring(t, "TestSpoolForwardSurvivesKill", 100_000,
		"SLOGX_SPOOL_DIR="+dir, "SLOGX_SPOOL_ADDR="+down)

	srv := forwardtest.NewServer(t, forwardtest.Options{})
	h := spoolForward(t, srv.Addr(), dir)
	nettest.Flush(t, h)
	st := h.Stats()
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, e := range srv.Entries() {
		n, _ := e.Record["n"].(int64)
		got = append(got, n)
	}
	top, dups := nettest.CheckArrived(t, got, accepted, spoolKillRecords)
	for i, n := range got {
		if n != int64(i+1) {
			t.Fatalf("record %d arrived in place %d", n, i+1)
		}
	}
	if st.Recovered != uint64(top) || st.Records != uint64(top) || dups != 0 {
		t.Fatalf("second run: %+v; %d arrived, %d twice", st, top, dups)
	}
	t.Logf("Handle accepted at least %d; the second run recovered and delivered %d, in order", accepted, top)
}
