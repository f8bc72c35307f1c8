package deliver

import "sync"

// queue holds the records not yet settled (delivered, refused or dropped), oldest first.
// Their sequence numbers are consecutive: recs[head] has done+1, the newest has last.
//
// Records are copied into chunks that are only ever appended to, so a slice handed to the
// sender stays valid while Write goes on. A full chunk is replaced; once every record in it
// has settled and the sender is between two sends (see reclaim), a chunk of the full size
// goes back to chunkPool for the next one: at a million records a second, allocating a new
// 64 KiB chunk for every ~400 records kept the garbage collector busy.
type queue struct {
	recs  [][]byte
	head  int
	bytes int
	chunk []byte
	full  []usedChunk // with recycle: replaced chunks, oldest first
	// recycle is Options.RecycleChunks: without it a replaced chunk is left to the
	// garbage collector.
	recycle bool
	done    uint64 // sequence number of the last settled record
	last    uint64 // sequence number of the last record written
}

// usedChunk is a replaced chunk and the sequence number of its last record.
type usedChunk struct {
	buf  []byte
	last uint64
}

// maxChunk is the size chunks grow to; they start small so that a thousand idle handlers
// cost little.
const maxChunk = 64 << 10

// chunkPool recycles full-size chunks between all engines: memory a burst needed is shared,
// and returns to the system when unused, unlike a free list per handler.
var chunkPool = sync.Pool{New: func() any { return new([maxChunk]byte) }}

func (q *queue) len() int { return len(q.recs) - q.head }

// push copies p in and returns the copy and its sequence number.
func (q *queue) push(p []byte) ([]byte, uint64) {
	if cap(q.chunk)-len(q.chunk) < len(p) {
		q.newChunk(len(p))
	}
	start := len(q.chunk)
	q.chunk = append(q.chunk, p...)
	rec := q.chunk[start:len(q.chunk):len(q.chunk)]
	q.recs = append(q.recs, rec)
	q.bytes += len(rec)
	q.last++
	return rec, q.last
}

// pop settles the oldest record and returns it.
func (q *queue) pop() []byte {
	rec := q.recs[q.head]
	q.recs[q.head] = nil
	q.head++
	q.bytes -= len(rec)
	q.done++
	if q.head == len(q.recs) {
		q.recs, q.head = q.recs[:0], 0
	} else if q.head > 1024 && q.head > len(q.recs)/2 {
		n := copy(q.recs, q.recs[q.head:])
		clear(q.recs[n:])
		q.recs, q.head = q.recs[:n], 0
	}
	return rec
}

// at returns the record with sequence number seq, which must be buffered.
func (q *queue) at(seq uint64) []byte {
	return q.recs[q.head+int(seq-q.done-1)]
}

// newChunk replaces the current chunk with one that has room for n bytes.
func (q *queue) newChunk(n int) {
	if q.recycle && len(q.chunk) > 0 {
		q.full = append(q.full, usedChunk{buf: q.chunk, last: q.last})
	}
	size := max(n, min(2*cap(q.chunk), maxChunk), 4<<10)
	if q.recycle && size == maxChunk {
		q.chunk = chunkPool.Get().(*[maxChunk]byte)[:0]
		return
	}
	q.chunk = make([]byte, 0, size)
}

// reclaim returns the replaced chunks whose records have all settled to chunkPool. Only the
// sender may call it, between two sends: a record dropped (DropOldest) or acknowledged
// while a Send is writing it is settled, but its bytes are still being read until Send
// returns.
func (q *queue) reclaim() {
	n := 0
	for ; n < len(q.full) && q.full[n].last <= q.done; n++ {
		if buf := q.full[n].buf; cap(buf) == maxChunk {
			chunkPool.Put((*[maxChunk]byte)(buf[:maxChunk]))
		}
	}
	if n > 0 {
		k := copy(q.full, q.full[n:])
		clear(q.full[k:])
		q.full = q.full[:k]
	}
}
