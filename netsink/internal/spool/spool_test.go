//go:build unix

package spool

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"go.uber.org/goleak"
)

func open(t *testing.T, o Options) *Spool {
	t.Helper()
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// rec is record i: its number and padding to n bytes.
func rec(i uint64, n int) []byte {
	b := make([]byte, n)
	binary.BigEndian.PutUint64(b, i)
	return b
}

func num(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// held returns the numbers of the records the spool holds, read in order.
func held(s *Spool) []uint64 {
	var out []uint64
	for seq := s.Done() + 1; seq <= s.Last(); seq++ {
		out = append(out, num(s.At(seq)))
	}
	return out
}

func seqs(from, to uint64) []uint64 {
	var s []uint64
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

func appendN(t *testing.T, s *Spool, from, to uint64, size int) {
	t.Helper()
	for i := from; i <= to; i++ {
		if !s.Fits(size) {
			t.Fatalf("record %d does not fit", i)
		}
		if _, err := s.Append(rec(i, size), nil); err != nil {
			t.Fatal(err)
		}
	}
}

// Records are read back in order across segments, settled ones are deleted with their
// segments, and a second Open finds the rest (and the same sender id), in order.
func TestReopen(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	dir := t.TempDir()
	o := Options{Dir: dir, MaxBytes: 1 << 20, Segment: 16 << 10}
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, s, 1, 1000, 100) // some 9 segments of 16 KiB
	if got := held(s); !slices.Equal(got, seqs(1, 1000)) {
		t.Fatalf("held %v", got)
	}
	if n, b := s.Settle(400); n != 400 || b != 400*100 {
		t.Fatalf("settled %d records, %d bytes", n, b)
	}
	s.Reclaim()
	segs, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	if len(segs) != len(s.segs) || len(segs) > 6 {
		t.Fatalf("%d segment files for %d live segments", len(segs), len(s.segs))
	}
	id := s.ID()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, o)
	if r, torn, lost := s.Recovered(); r != 600 || torn != 0 || lost != 0 {
		t.Fatalf("recovered %d, torn %d, lost %d", r, torn, lost)
	}
	if s.ID() != id {
		t.Fatal("the sender id changed")
	}
	appendN(t, s, 1001, 1100, 100)
	if got := held(s); !slices.Equal(got, seqs(401, 1100)) || s.Done() != 400 || s.Last() != 1100 {
		t.Fatalf("done %d, last %d, held %v", s.Done(), s.Last(), got)
	}
	s.Settle(1100)
	s.Close()
	s = open(t, o)
	if r, _, _ := s.Recovered(); r != 0 || s.Done() != 1100 || s.Last() != 1100 {
		t.Fatalf("recovered %d, done %d, last %d", r, s.Done(), s.Last())
	}
	s.Close()
	if segs, _ := filepath.Glob(filepath.Join(dir, "*.seg")); len(segs) != 0 {
		t.Fatalf("left %v", segs)
	}
}

// A segment cut at a random byte inside a record (a crash, a power loss): the record is
// skipped and counted, every record before it is kept, in order.
func TestTornTail(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	for range 20 {
		dir := t.TempDir()
		o := Options{Dir: dir, MaxBytes: 1 << 20, Segment: 16 << 10}
		s := open(t, o)
		appendN(t, s, 1, 300, 100)
		end := int(s.segs[len(s.segs)-1].end.Load())
		s.Close()
		segs, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
		last := segs[len(segs)-1]
		st, _ := os.Stat(last)
		inLast := (end - headerSize) / (recHeader + 100)
		k := rand.IntN(inLast)                                              // the record cut
		cut := headerSize + k*(recHeader+100) + 1 + rand.IntN(recHeader+99) // strictly inside it
		if err := os.Truncate(last, int64(cut)); err != nil || int64(cut) >= st.Size() {
			t.Fatal(err)
		}
		s3 := open(t, o)
		want := uint64(300 - inLast + k)
		if r, torn, lost := s3.Recovered(); r != want || torn != 1 || lost != 0 {
			t.Fatalf("cut at %d (record %d of %d): recovered %d, torn %d, lost %d; want %d, 1, 0", cut, k, inLast, r, torn, lost, want)
		}
		if got := held(s3); !slices.Equal(got, seqs(1, want)) {
			t.Fatalf("held %v", got)
		}
		// New records follow on, numbered after the last good one.
		appendN(t, s3, want+1, want+10, 100)
		if got := held(s3); !slices.Equal(got, seqs(1, want+10)) || s3.Last() != want+10 {
			t.Fatalf("held %v", got)
		}
		s3.Close()
	}
}

// A byte flipped in the middle of a segment: the records from it on in that segment are
// skipped (torn), and those of later segments, out of sequence now, are counted as lost.
func TestCorruptMiddle(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	dir := t.TempDir()
	o := Options{Dir: dir, MaxBytes: 1 << 20, Segment: 16 << 10}
	s := open(t, o)
	appendN(t, s, 1, 300, 100)
	perSeg := int(s.segs[0].last)
	s.Close()
	segs, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	f, _ := os.OpenFile(segs[0], os.O_RDWR, 0)
	f.WriteAt([]byte{0xff}, headerSize+10*(recHeader+100)+recHeader+50) // record 11's payload
	f.Close()
	s = open(t, o)
	if r, torn, lost := s.Recovered(); r != 10 || torn != 1 || lost != uint64(300-perSeg) {
		t.Fatalf("recovered %d, torn %d, lost %d; want 10, 1, %d", r, torn, lost, 300-perSeg)
	}
	if got := held(s); !slices.Equal(got, seqs(1, 10)) {
		t.Fatalf("held %v", got)
	}
}

// MaxBytes bounds the segments: Fits says no once they are all full, DropOldest deletes the
// oldest one (never the active one) and counts its records.
func TestBound(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	s := open(t, Options{Dir: t.TempDir(), MaxBytes: 64 << 10, Segment: 16 << 10})
	perSeg := (16<<10 - headerSize) / (recHeader + 100)
	capacity := 4 * perSeg
	appendN(t, s, 1, uint64(capacity), 100)
	if s.Fits(100) {
		t.Fatal("a fifth segment fits in 64 KiB")
	}
	if n := s.DropOldest(); n != perSeg || s.Done() != uint64(perSeg) || !s.Fits(100) {
		t.Fatalf("DropOldest dropped %d, done %d", n, s.Done())
	}
	appendN(t, s, uint64(capacity+1), uint64(capacity+perSeg), 100)
	if got := held(s); !slices.Equal(got, seqs(uint64(perSeg+1), uint64(capacity+perSeg))) {
		t.Fatalf("held %d records from %d", len(got), got[0])
	}
	if s.Fits(s.MaxRecord() + 1) {
		t.Fatal("a record larger than a segment fits")
	}
	for s.DropOldest() > 0 {
	}
	if len(s.segs) != 1 {
		t.Fatalf("%d segments left", len(s.segs))
	}
}

// One owner: a second Open of the directory, in this process or another, is refused.
func TestLocked(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	if dir := os.Getenv("SPOOL_LOCK_CHILD"); dir != "" {
		_, err := Open(Options{Dir: dir})
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("child: Open = %v, want ErrLocked", err)
		}
		return
	}
	dir := t.TempDir()
	s := open(t, Options{Dir: dir})
	if _, err := Open(Options{Dir: dir}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestLocked$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SPOOL_LOCK_CHILD="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	s.Close()
	s2 := open(t, Options{Dir: dir})
	s2.Close()
}

func TestAppendAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("allocation counts are checked without -race")
	}
	s := open(t, Options{Dir: t.TempDir(), MaxBytes: 64 << 20})
	r := rec(1, 200)
	if n := testing.AllocsPerRun(10000, func() {
		if _, err := s.Append(r, nil); err != nil {
			t.Fatal(err)
		}
		s.Settle(s.Last())
	}); n != 0 {
		t.Fatalf("Append allocates %v times", n)
	}
}

// Sync < 0 flushes every record before Append returns; Sync > 0 leaves it to the background
// goroutine, whose flush covers every segment written and the cursor. Both survive a reopen.
func TestSync(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	for _, sync := range []time.Duration{-1, time.Hour} {
		dir := t.TempDir()
		o := Options{Dir: dir, MaxBytes: 1 << 20, Segment: 16 << 10, Sync: sync}
		s := open(t, o)
		appendN(t, s, 1, 300, 100)
		s.Settle(100)
		if err := s.syncAll(); err != nil {
			t.Fatalf("Sync %v: %v", sync, err)
		}
		for _, seg := range s.mapped {
			if seg.synced != int(seg.end.Load()) {
				t.Fatalf("Sync %v: segment %d flushed to %d of %d", sync, seg.num, seg.synced, seg.end.Load())
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s = open(t, o)
		if got := held(s); !slices.Equal(got, seqs(101, 300)) {
			t.Fatalf("Sync %v: held %d records", sync, len(got))
		}
		s.Close()
	}
}
