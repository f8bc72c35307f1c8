package deliver

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

// recycleRec is record i: its number, then 200 bytes that all say which record it is.
func recycleRec(i uint64) []byte {
	return append(binary.BigEndian.AppendUint64(nil, i), bytes.Repeat([]byte{byte(i % 251)}, 200)...)
}

// With RecycleChunks, a chunk goes back to the pool only when no Send can still be reading
// it: records dropped (DropOldest) and acknowledged while a Send is writing them must reach
// the transport intact. Send acknowledges its batch's first half before reading the rest and
// dawdles, while Writes overflow a small buffer as fast as they can.
func TestRecycleChunksKeepsRecordsIntact(t *testing.T) {
	p := newPeer()
	p.acks = true
	var bad atomic.Value
	var sent atomic.Uint64
	p.onSend = func(c *conn, b *Batch) error {
		c.acks <- b.First + uint64(len(b.Records))/2 // settles records this Send still reads
		time.Sleep(50 * time.Microsecond)            // Writes (and drops) go on meanwhile
		for _, r := range b.Records {
			i := binary.BigEndian.Uint64(r)
			if !bytes.Equal(r, recycleRec(i)) {
				bad.Store(fmt.Sprintf("record %d corrupted: % x", i, r[:16]))
			}
		}
		sent.Add(uint64(len(b.Records)))
		c.acks <- b.Last()
		return nil
	}
	e, _, _ := newEngine(t, p, Options{Buffer: 3 * maxChunk, Overflow: slogx.DropOldest,
		MaxBatchBytes: maxChunk / 2, RecycleChunks: true, Backoff: fast})
	deadline := time.Now().Add(time.Second)
	for i := uint64(1); time.Now().Before(deadline) || sent.Load() < 20000; i++ {
		if _, err := e.Write(recycleRec(i)); err != nil {
			t.Fatal(err)
		}
		if s := bad.Load(); s != nil {
			t.Fatal(s)
		}
	}
	if err := e.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := bad.Load(); s != nil {
		t.Fatal(s)
	}
}
