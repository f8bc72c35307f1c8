package deliver

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

// Every record written ends in Delivered or Dropped, whatever path refused it: a permanent
// error, retries run out, a Close that gave up. Errors counts the failure events, not the
// records, and the bytes delivered are those of delivered records only.
func TestEveryRecordAccounted(t *testing.T) {
	p := newPeer()
	open := make(chan struct{})
	p.dial = func(int) error { <-open; return nil } // batches of 4 from the first: all are buffered
	p.onSend = func(c *conn, b *Batch) error {
		switch binary.BigEndian.Uint64(b.Records[0]) % 12 { // batches start at 1, 5, 9, 13...
		case 1:
			return Permanent(errors.New("400 bad request"))
		case 5:
			return errors.New("503 unavailable") // forever: out of retries
		}
		return nil
	}
	e, rep, rs := newEngine(t, p, Options{Backoff: fast, MaxRetries: 1, MaxBatchRecords: 4})
	const n = 400 // 100 batches of 4: 34 refused at once, 33 out of retries, 33 delivered
	for i := range uint64(n) {
		if _, err := e.Write(rec(i + 1)); err != nil {
			t.Fatal(err)
		}
	}
	close(open)
	if err := e.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	records, bytes := e.Delivered()
	if records+rep.Dropped() != n || records != 132 || bytes != 132*8 || rep.Errors() != 67 {
		t.Fatalf("delivered %d (%d bytes), dropped %d, errors %d, want 132 (1056), 268, 67: %s",
			records, bytes, rep.Dropped(), rep.Errors(), rs)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
}

// The same after a Close that gave up on a peer that never answered.
func TestEveryRecordAccountedAtClose(t *testing.T) {
	p := newPeer()
	p.dial = func(int) error { return errors.New("connection refused") }
	e, rep, _ := newEngine(t, p, Options{Backoff: fast, MaxRetries: 2, CloseTimeout: 10 * time.Millisecond})
	for i := range uint64(50) {
		e.Write(rec(i + 1))
	}
	e.Close()
	if r, b := e.Delivered(); r != 0 || b != 0 || rep.Dropped() != 50 {
		t.Fatalf("delivered %d (%d bytes), dropped %d, want 0, 50", r, b, rep.Dropped())
	}
}

// A record dropped for a full buffer costs no allocation: the peer is down, and every log
// call takes this path.
func TestWriteDropAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("allocation counts are checked without -race")
	}
	for _, o := range []slogx.Overflow{slogx.DropNewest, slogx.Block} {
		t.Run(o.String(), func(t *testing.T) { testWriteDropAllocs(t, o) })
	}
}

func testWriteDropAllocs(t *testing.T, o slogx.Overflow) {
	p := newPeer()
	p.dial = func(int) error { return errors.New("connection refused") }
	e, rep, _ := newEngine(t, p, Options{Backoff: Backoff{Initial: time.Hour}, Buffer: 64, Overflow: o,
		CloseTimeout: time.Millisecond})
	for i := range uint64(8) {
		if _, err := e.Write(rec(i + 1)); err != nil {
			t.Fatal(err)
		}
	}
	r := rec(9)
	var err error
	if n := testing.AllocsPerRun(1000, func() { _, err = e.Write(r) }); n != 0 {
		t.Errorf("%v: a dropped Write allocates %v times", o, n)
	}
	if !errors.Is(err, slogx.ErrBufferFull) {
		t.Errorf("%v: a dropped Write returned %v, want ErrBufferFull", o, err)
	}
	// And the Reporter counting it, as slogx.Handler does.
	if n := testing.AllocsPerRun(1000, func() { _ = rep.Drop(1, err) }); n != 0 {
		t.Errorf("%v: counting the drop allocates %v times", o, n)
	}
}

// Full says, without a lock, that Write would drop any record: from a drop that a record as
// small as the smallest ever taken would have met too, until records settle; never under
// DropOldest or a Block that waits.
func TestFull(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		full bool
	}{
		{Options{Overflow: slogx.DropNewest}, true},
		{Options{Overflow: slogx.Block}, true},
		{Options{Overflow: slogx.Block, EnqueueTimeout: time.Millisecond}, false},
		{Options{Overflow: slogx.DropOldest}, false},
	} {
		t.Run(fmt.Sprint(tc.o.Overflow, tc.o.EnqueueTimeout), func(t *testing.T) {
			p := newPeer()
			open := make(chan struct{})
			p.dial = func(int) error { <-open; return nil }
			tc.o.Buffer, tc.o.Backoff = 32, fast
			e, rep, _ := newEngine(t, p, tc.o)
			defer close(open)
			for i := range uint64(4) {
				if _, err := e.Write(rec(i + 1)); err != nil {
					t.Fatal(err)
				}
			}
			if e.Full() != nil {
				t.Fatal("full before any drop")
			}
			if _, err := e.Write(rec(5)); (err != nil) != (tc.o.Overflow != slogx.DropOldest) {
				t.Fatalf("a record that does not fit: %v", err)
			}
			if err := e.Full(); (err != nil) != tc.full || (err != nil && !errors.Is(err, slogx.ErrBufferFull)) {
				t.Fatalf("Full = %v after a drop, want full %v", err, tc.full)
			}
			open <- struct{}{}
			if err := e.Flush(ctx(t)); err != nil {
				t.Fatal(err)
			}
			if e.Full() != nil {
				t.Fatal("still full once records settled")
			}
			if tc.full && rep.Dropped() != 0 {
				t.Fatal("Write counted the drop: slogx.Handler does")
			}
		})
	}
}
