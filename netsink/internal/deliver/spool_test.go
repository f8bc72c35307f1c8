//go:build unix

package deliver

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/internal/spool"
	"github.com/slogx/handlers/slogx"
	"go.uber.org/goleak"
)

// openSpooled starts an engine over a real loopback transport with a spool in dir.
func openSpooled(t testing.TB, tr *lclient, dir string, o Options) (*Engine, *slogx.Reporter, *reports) {
	t.Helper()
	rs := &reports{}
	rep := slogx.NewReporter(rs.add)
	if o.Name == "" {
		o.Name = "test"
	}
	o.Spool.Dir = dir
	if o.Stamp == nil {
		o.Stamp = stampSeq
	}
	if o.Backoff == (Backoff{}) {
		o.Backoff = fast
	}
	e, err := Open(tr, rep, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, rep, rs
}

// The crash test's child: it writes crashRecords records to a spool in SPOOL_CRASH_DIR,
// delivering to SPOOL_CRASH_PEER, and reports on stdout how many Write accepted, every 1,000;
// the parent kills it with SIGKILL in the middle.
const crashRecords = 200_000

func crashChild(t *testing.T, dir, addr string) {
	tr := &lclient{addr: addr, acker: true}
	e, err := Open(tr, slogx.NewReporter(func(error) {}), Options{Name: "child", Stamp: stampSeq, Backoff: fast,
		Spool: spool.Options{Dir: dir, MaxBytes: 64 << 20}})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := uint64(1); i <= crashRecords; i++ {
		if _, err := e.Write(lrec(i)); err != nil {
			fmt.Fprintln(out, "error", err)
			out.Flush()
			os.Exit(1)
		}
		if i%1000 == 0 {
			fmt.Fprintln(out, i)
			out.Flush()
		}
	}
	select {} // the parent kills it
}

// A process killed with SIGKILL in the middle of 200,000 records loses none of those its
// Writes accepted: the next run with the same directory sends every record the peer had
// not acknowledged, in order, after recovering them; those the peer had received but the
// process had not yet seen acknowledged arrive twice, and the peer sees them as such by their sequence numbers (which continue
// across the runs).
func TestSpoolSurvivesKill(t *testing.T) {
	if dir := os.Getenv("SPOOL_CRASH_DIR"); dir != "" {
		crashChild(t, dir, os.Getenv("SPOOL_CRASH_PEER"))
		return
	}
	t.Cleanup(func() { goleak.VerifyNone(t) })
	// The peer acknowledges every 1,000 records and stops reading after 60,000 during the
	// first run: the rest piles up in the spool, as with a receiver that went away.
	p1 := newLPeer(t, 1000, 60_000)
	dir := t.TempDir()
	accepted := uint64(nettest.KillDuring(t, "TestSpoolSurvivesKill", 150_000,
		"SPOOL_CRASH_DIR="+dir, "SPOOL_CRASH_PEER="+p1.l.Addr().String()))
	first := p1.received()
	p1.close()

	// The second peer remembers the highest sequence number the first one saw, as a
	// netsink.Server's Dedup does for a sender across its reconnections.
	p2 := newLPeer(t, 1000, 0)
	p2.maxSeq = p1.maxSeq
	e, rep, rs := openSpooled(t, &lclient{addr: p2.l.Addr().String(), acker: true}, dir, Options{})
	if err := e.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	second := p2.received()
	recovered := e.Recovered()
	e.Close()

	// Every record up to the last one reported arrived, none that was never written, and
	// the second run sent its records in order.
	seen := make(map[uint64]int, crashRecords)
	for _, n := range append(slices.Clone(first), second...) {
		seen[n]++
	}
	dups := 0
	for n, c := range seen {
		if n < 1 || n > crashRecords {
			t.Fatalf("record %d was never written", n)
		}
		dups += c - 1
	}
	top := uint64(0)
	for n := range seen {
		top = max(top, n)
	}
	if top < accepted || len(seen) != int(top) {
		t.Fatalf("received %d distinct records up to %d, the child accepted at least %d: lost %d",
			len(seen), top, accepted, int(top)-len(seen))
	}
	if !slices.IsSorted(second) {
		t.Fatal("the second run sent out of order")
	}
	if recovered == 0 || uint64(len(second)) != recovered || second[len(second)-1] != top {
		t.Fatalf("recovered %d, the second run sent %d records", recovered, len(second))
	}
	// Every duplicate carries the sequence number it had in the first run, and every new
	// record a higher one: a peer that drops what is not above the highest number it saw
	// drops exactly the duplicates.
	p2.mu.Lock()
	dupSeq := p2.dupSeq
	p2.mu.Unlock()
	if dupSeq != dups || p1.dupSeq != 0 {
		t.Fatalf("%d duplicates, %d of them recognized by sequence number", dups, dupSeq)
	}
	inFirst := make(map[uint64]bool, len(first))
	for _, n := range first {
		inFirst[n] = true
	}
	overlap := 0
	for _, n := range second {
		if inFirst[n] {
			overlap++
		}
	}
	if overlap != dups {
		t.Fatalf("%d duplicates, %d of them between the runs; first run %d records (%d dup seqs), second %d from %d, recovered %d",
			dups, overlap, len(first), p1.dupSeq, len(second), second[0], recovered)
	}
	t.Logf("accepted >= %d (up to %d arrived), first run delivered %d, recovered %d, duplicates %d (received, their acknowledgement not yet read at the kill), torn/lost counted as dropped: %d (%s)",
		accepted, top, len(first), recovered, dups, rep.Dropped(), rs)
}

// A peer down for longer than the memory buffer would last: with a spool nothing is dropped
// until MaxBytes is full; past it, exactly what the Overflow policy says, counted; once the
// peer is back every record kept arrives, in order.
func TestSpoolOutage(t *testing.T) {
	const (
		segment = 128 << 10
		maxSegs = 8
		perSeg  = (segment - 16) / (16 + recSize) // records a segment holds
		kept    = maxSegs * perSeg                // 13,104 records: 200 times a 4 KiB Buffer
		extra   = 5000
	)
	for _, tc := range []struct {
		overflow slogx.Overflow
		dropped  int
		first    uint64 // the first record delivered
	}{
		{slogx.DropNewest, extra, 1},
		{slogx.Block, extra, 1}, // with no EnqueueTimeout: DropNewest
		// Whole segments go: the oldest one each time a record finds them all full.
		{slogx.DropOldest, 4 * perSeg, 4*perSeg + 1},
	} {
		t.Run(tc.overflow.String(), func(t *testing.T) {
			t.Cleanup(func() { goleak.VerifyNone(t) })
			p := newLPeer(t, 100, 0)
			tr := &lclient{addr: p.l.Addr().String(), acker: true}
			tr.down.Store(true)
			e, rep, rs := openSpooled(t, tr, t.TempDir(), Options{Buffer: 4 << 10, Overflow: tc.overflow,
				Spool: spool.Options{MaxBytes: maxSegs * segment, Segment: segment}})
			refused := 0
			for i := uint64(1); i <= kept+extra; i++ {
				_, err := e.Write(lrec(i))
				switch {
				case err == nil:
				case errors.Is(err, slogx.ErrBufferFull):
					if i <= kept {
						t.Fatalf("record %d dropped before MaxBytes: %v", i, err)
					}
					refused++
				default:
					t.Fatal(err)
				}
			}
			if got := refused + int(rep.Dropped()); got != tc.dropped {
				t.Fatalf("dropped %d (%d refused, %d oldest), want %d: %s", got, refused, rep.Dropped(), tc.dropped, rs)
			}
			tr.down.Store(false)
			e.poke()
			if err := e.Flush(ctx(t)); err != nil {
				t.Fatal(err)
			}
			got := p.received()
			last := tc.first + uint64(kept+extra-tc.dropped) - 1
			if !slices.Equal(got, seqs(tc.first, last)) {
				t.Fatalf("received %d records from %v, want %d..%d", len(got), got[:1], tc.first, last)
			}
			if r, _ := e.Delivered(); int(r)+tc.dropped != kept+extra {
				t.Fatalf("delivered %d + dropped %d != %d", r, tc.dropped, kept+extra)
			}
		})
	}
}

// A spool whose last segment was cut at a random byte: the record cut is skipped and counted
// as dropped, every record before it arrives.
func TestSpoolTornTail(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	dir := t.TempDir()
	p := newLPeer(t, 100, 0)
	tr := &lclient{addr: p.l.Addr().String(), acker: true}
	tr.down.Store(true)
	so := spool.Options{MaxBytes: 1 << 20, Segment: 64 << 10}
	e, _, _ := openSpooled(t, tr, dir, Options{CloseTimeout: time.Millisecond, Spool: so})
	const n = 3000
	for i := uint64(1); i <= n; i++ {
		if _, err := e.Write(lrec(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatalf("Close with records left in the spool: %v", err)
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	last := segs[len(segs)-1]
	perSeg := (64<<10 - 16) / (16 + recSize)
	inLast := n - (len(segs)-1)*perSeg
	k := rand.IntN(inLast)
	cut := 16 + k*(16+recSize) + 1 + rand.IntN(16+recSize-1)
	if err := os.Truncate(last, int64(cut)); err != nil {
		t.Fatal(err)
	}
	want := uint64(n - inLast + k)

	tr.down.Store(false)
	e, rep, rs := openSpooled(t, tr, dir, Options{})
	if err := e.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := p.received(); !slices.Equal(got, seqs(1, want)) {
		t.Fatalf("cut at %d: received %d records, want 1..%d", cut, len(got), want)
	}
	if e.Recovered() != want || rep.Dropped() != 1 {
		t.Fatalf("recovered %d, dropped %d: %s", e.Recovered(), rep.Dropped(), rs)
	}
}

// One owner: a second engine on the same directory gets a clear error.
func TestSpoolLocked(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	dir := t.TempDir()
	tr := &lclient{addr: "127.0.0.1:1"}
	tr.down.Store(true)
	openSpooled(t, tr, dir, Options{})
	_, err := Open(tr, slogx.NewReporter(nil), Options{Name: "second", Spool: spool.Options{Dir: dir}})
	if !errors.Is(err, spool.ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	t.Log(err)
}

// The sender id stays with the directory.
func TestSpoolSenderID(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	dir := t.TempDir()
	tr := &lclient{addr: "127.0.0.1:1"}
	tr.down.Store(true)
	e, _, _ := openSpooled(t, tr, dir, Options{})
	id, ok := e.SenderID()
	e.Close()
	var told [16]byte
	e, _, _ = openSpooled(t, tr, dir, Options{SenderID: func(id [16]byte) { told = id }})
	id2, ok2 := e.SenderID()
	if !ok || !ok2 || id != id2 || told != id || id == ([16]byte{}) {
		t.Fatalf("ids %x, %x, told %x", id, id2, told)
	}
	mem := New(tr, slogx.NewReporter(nil), Options{})
	defer mem.Close()
	if _, ok := mem.SenderID(); ok {
		t.Fatal("an engine without a spool has a sender id")
	}
}

// A transport that may read a batch after Send returned (no RecycleChunks: net/http) gets
// copies: the spool's segments are filled again once delivered, and what it kept must not
// change under it.
func TestSpoolBatchesOutliveSend(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	p := newPeer()
	var kept [][]byte
	p.onSend = func(c *conn, b *Batch) error {
		kept = append(kept, b.Records...)
		return nil
	}
	rep := slogx.NewReporter(func(error) {})
	e, err := Open(p, rep, Options{Name: "test", MaxBatchRecords: 50,
		Spool: spool.Options{Dir: t.TempDir(), MaxBytes: 256 << 10, Segment: 64 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	const n = 20_000 // 1.3 MB through 256 KiB of segments: each is filled again several times
	for i := uint64(1); i <= n; i++ {
		if _, err := e.Write(lrec(i)); err != nil {
			t.Fatal(err)
		}
		if i%1000 == 0 {
			if err := e.Flush(ctx(t)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(kept) != n {
		t.Fatalf("sent %d", len(kept))
	}
	for i, r := range kept {
		if got := binary.BigEndian.Uint64(r); got != uint64(i+1) {
			t.Fatalf("record %d kept by the transport now reads %d", i+1, got)
		}
	}
}

// A segment that cannot be made (here its name and the spare's are taken by directories; a
// full disk is the same error, from fallocate) drops the record that needed it, with the
// cause, and the records already spooled are still delivered.
func TestSpoolCannotGrow(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	dir := t.TempDir()
	p := newLPeer(t, 100, 0)
	tr := &lclient{addr: p.l.Addr().String(), acker: true}
	tr.down.Store(true)
	e, _, _ := openSpooled(t, tr, dir, Options{Spool: spool.Options{MaxBytes: 1 << 20, Segment: 64 << 10}})
	for _, name := range []string{"00000000000000000002.seg", "spare"} {
		if err := os.MkdirAll(filepath.Join(dir, name, "taken"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	perSeg := (64<<10 - 16) / (16 + recSize)
	var err error
	i := uint64(1)
	for ; err == nil && i <= uint64(2*perSeg); i++ {
		_, err = e.Write(lrec(i))
	}
	if !errors.Is(err, slogx.ErrDropped) || errors.Is(err, slogx.ErrBufferFull) || i-1 != uint64(perSeg)+1 {
		t.Fatalf("record %d: %v", i-1, err)
	}
	t.Log(err)
	tr.down.Store(false)
	e.poke()
	if err := e.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := p.received(); !slices.Equal(got, seqs(1, uint64(perSeg))) {
		t.Fatalf("received %d records", len(got))
	}
}
