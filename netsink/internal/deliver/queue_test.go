package deliver

import (
	"bytes"
	"testing"
)

// queueRec is record seq of TestQueueChunks: its size varies, one is larger than a chunk.
func queueRec(seq uint64) []byte {
	n := int(seq*37%3000) + 1
	if seq == 40 {
		n = maxChunk + 10
	}
	return bytes.Repeat([]byte{byte(seq)}, n)
}

// TestQueueChunks pushes records across many chunks and settles them in steps: every
// buffered record reads back as written, alone and in spans, and settled chunks are let go (at once without
// recycle, at reclaim with it) while the one being filled stays.
func TestQueueChunks(t *testing.T) {
	for _, recycle := range []bool{false, true} {
		q := queue{recycle: recycle}
		check := func() {
			t.Helper()
			var want []byte
			for seq := q.done + 1; seq <= q.last; seq++ {
				if got := q.at(seq); !bytes.Equal(got, queueRec(seq)) {
					t.Fatalf("recycle=%v: record %d reads back %d bytes of %d", recycle, seq, len(got), len(queueRec(seq)))
				}
				want = append(want, queueRec(seq)...)
			}
			if q.len() == 0 {
				return
			}
			// The same bytes in one span per chunk they occupy.
			spans := q.spans(nil, nil, q.done+1, q.last)
			if got := bytes.Join(spans, nil); !bytes.Equal(got, want) || len(spans) > len(q.chunks) {
				t.Fatalf("recycle=%v: %d spans of %d bytes for %d chunks and %d bytes", recycle, len(spans), len(got), len(q.chunks), len(want))
			}
		}
		total := 0
		for seq := uint64(1); seq <= 200; seq++ {
			rec, got := q.push(queueRec(seq))
			if got != seq || !bytes.Equal(rec, queueRec(seq)) || cap(rec) != len(rec) {
				t.Fatalf("push %d: seq %d, %d bytes, cap %d", seq, got, len(rec), cap(rec))
			}
			total += len(rec)
		}
		check()
		if q.bytes != total || q.len() != 200 || len(q.chunks) < 5 {
			t.Fatalf("recycle=%v: %d bytes, %d records, %d chunks", recycle, q.bytes, q.len(), len(q.chunks))
		}
		for step := 0; q.len() > 0; step++ {
			if step%2 == 0 {
				for range min(q.len(), 17) {
					total -= q.pop()
				}
			} else { // as an ack does, past the last record at the end
				want := min(q.len(), 23)
				n, bytes := q.popTo(q.done + 23)
				if n != want {
					t.Fatalf("popTo settled %d records, want %d", n, want)
				}
				total -= bytes
			}
			check()
			if !recycle && len(q.chunks) > 1 && q.chunks[0].last <= q.done {
				t.Fatalf("a settled chunk is kept without recycle")
			}
			q.reclaim()
			if len(q.chunks) > 1 && q.chunks[0].last <= q.done {
				t.Fatalf("recycle=%v: a settled chunk is kept after reclaim", recycle)
			}
		}
		if q.bytes != 0 || total != 0 || len(q.chunks) != 1 {
			t.Fatalf("recycle=%v: empty queue holds %d bytes, %d chunks", recycle, q.bytes, len(q.chunks))
		}
		// The chunk being filled takes the next record; its number stays right.
		q.push(queueRec(201))
		check()
	}
}
