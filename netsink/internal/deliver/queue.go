package deliver

import (
	"sync"

	"github.com/slogx/handlers/netsink/internal/spool"
)

// queue holds the records not yet settled (delivered, refused or dropped), oldest first.
// Their sequence numbers are consecutive: recs[head] has done+1, the newest has last.
//
// Records are copied into chunks that are only ever appended to, so a slice handed to the
// sender stays valid while Write goes on. A full chunk is replaced; once every record in it
// has settled it is let go, and with recycle (only once the sender is between two sends,
// see reclaim) a chunk of the full size goes back to chunkPool for the next one: at a
// million records a second, allocating a new 64 KiB chunk for every ~400 records kept the
// garbage collector busy.
//
// A record is kept as its chunk's number and its place in it, not as a slice: recs holds no
// pointers, so the garbage collector neither scans it (a full 8 MiB buffer holds some 50,000
// records) nor runs a write barrier for every record pushed and popped while it marks.
type queue struct {
	recs  []qrec
	head  int
	bytes int
	// chunks hold the bytes of the buffered records, oldest first; the last one is being
	// filled. Chunk number base+i is chunks[i]: dropping settled chunks from the front
	// renumbers nothing.
	chunks []usedChunk
	base   int
	// recycle is Options.RecycleChunks: without it a settled chunk is left to the garbage
	// collector at once.
	recycle bool
	done    uint64 // sequence number of the last settled record
	last    uint64 // sequence number of the last record written

	// sp, when set, holds the records instead of the chunks: every method below hands its
	// work to the spool, and done and last mirror the spool's.
	sp *spool.Spool
}

// qrec is where a buffered record is: n bytes at off in chunk number chunk.
type qrec struct{ chunk, off, n int }

// usedChunk is a chunk, how much of it holds records, and the sequence number of its last
// record. buf is never resliced (its length is its capacity): filling it writes integers
// only, never a pointer.
type usedChunk struct {
	buf  []byte
	used int
	last uint64
}

// maxChunk is the size chunks grow to; they start small so that a thousand idle handlers
// cost little.
const maxChunk = 64 << 10

// chunkPool recycles full-size chunks between all engines: memory a burst needed is shared,
// and returns to the system when unused, unlike a free list per handler.
var chunkPool = sync.Pool{New: func() any { return new([maxChunk]byte) }}

func (q *queue) len() int {
	if q.sp != nil {
		return q.sp.Len()
	}
	return len(q.recs) - q.head
}

// maxRecord returns the largest record the queue takes, with bound bytes of memory.
func (q *queue) maxRecord(bound int) int {
	if q.sp != nil {
		return q.sp.MaxRecord()
	}
	return bound
}

// fits reports whether n more bytes fit in bound (in the spool's MaxBytes).
func (q *queue) fits(n, bound int) bool {
	if q.sp != nil {
		return q.sp.Fits(n)
	}
	return q.bytes+n <= bound
}

// dropOldest settles the oldest records as dropped to make room and returns how many (the
// spool drops a segment at a time; 0 when nothing can go).
func (q *queue) dropOldest() int {
	if q.sp != nil {
		n := q.sp.DropOldest()
		q.done = q.sp.Done()
		return n
	}
	if q.len() == 0 {
		return 0
	}
	q.pop()
	return 1
}

// add copies p in, has stamp (if not nil) write its sequence number into the copy, and
// returns the number. Only the spool fails (a full disk when starting a segment).
func (q *queue) add(p []byte, stamp func([]byte, uint64)) (uint64, error) {
	if q.sp != nil {
		seq, err := q.sp.Append(p, stamp)
		q.last = q.sp.Last()
		return seq, err
	}
	rec, seq := q.push(p)
	if stamp != nil {
		stamp(rec, seq)
	}
	return seq, nil
}

// push copies p in and returns the copy and its sequence number.
func (q *queue) push(p []byte) ([]byte, uint64) {
	if len(q.chunks) == 0 || len(q.chunks[len(q.chunks)-1].buf)-q.chunks[len(q.chunks)-1].used < len(p) {
		q.newChunk(len(p))
	}
	i := len(q.chunks) - 1
	c := &q.chunks[i]
	off := c.used
	c.used += copy(c.buf[off:], p)
	q.last++
	c.last = q.last
	q.recs = append(q.recs, qrec{chunk: q.base + i, off: off, n: len(p)})
	q.bytes += len(p)
	return c.buf[off:c.used:c.used], q.last
}

// pop settles the oldest record and returns its length.
func (q *queue) pop() int {
	_, bytes := q.popTo(q.done + 1)
	return bytes
}

// popTo settles the buffered records up to seq, oldest first, and returns how many and how
// many bytes. An ack settles hundreds at once, under the lock Write waits for.
func (q *queue) popTo(seq uint64) (n, bytes int) {
	if seq <= q.done {
		return 0, 0
	}
	if q.sp != nil {
		n, bytes = q.sp.Settle(seq)
		q.done = q.sp.Done()
		return n, bytes
	}
	n = int(min(seq-q.done, uint64(q.len())))
	for _, r := range q.recs[q.head : q.head+n] {
		bytes += r.n
	}
	q.head += n
	q.bytes -= bytes
	q.done += uint64(n)
	if q.head == len(q.recs) {
		q.recs, q.head = q.recs[:0], 0
	} else if q.head > 1024 && q.head > len(q.recs)/2 {
		k := copy(q.recs, q.recs[q.head:])
		q.recs, q.head = q.recs[:k], 0
	}
	if !q.recycle && len(q.chunks) > 1 && q.chunks[0].last <= q.done {
		q.release(false) // a Send still reading it keeps it alive through its Batch
	}
	return n, bytes
}

// at returns the record with sequence number seq, which must be buffered.
func (q *queue) at(seq uint64) []byte {
	if q.sp != nil {
		return q.sp.At(seq)
	}
	r := q.recs[q.head+int(seq-q.done-1)]
	end := r.off + r.n
	return q.chunks[r.chunk-q.base].buf[r.off:end:end]
}

// spans appends the bytes of the buffered records first to last, which are recs, to dst in
// the fewest slices: one per run of records that lie next to each other in a chunk. In the
// spool a header separates every two records: one slice each.
func (q *queue) spans(dst, recs [][]byte, first, last uint64) [][]byte {
	if q.sp != nil {
		return append(dst, recs...)
	}
	rs := q.recs[q.head+int(first-q.done-1) : q.head+int(last-q.done)]
	for len(rs) > 0 {
		c, off, end := rs[0].chunk, rs[0].off, rs[0].off+rs[0].n
		rs = rs[1:]
		for len(rs) > 0 && rs[0].chunk == c && rs[0].off == end {
			end += rs[0].n
			rs = rs[1:]
		}
		dst = append(dst, q.chunks[c-q.base].buf[off:end:end])
	}
	return dst
}

// newChunk starts a chunk with room for n bytes, after the current one.
func (q *queue) newChunk(n int) {
	prev := 0
	if len(q.chunks) > 0 {
		prev = len(q.chunks[len(q.chunks)-1].buf)
	}
	size := max(n, min(2*prev, maxChunk), 4<<10)
	var buf []byte
	if q.recycle && size == maxChunk {
		buf = chunkPool.Get().(*[maxChunk]byte)[:]
	} else {
		buf = make([]byte, size)
	}
	q.chunks = append(q.chunks, usedChunk{buf: buf})
}

// reclaim lets go of the chunks whose records have all settled, full-size ones to chunkPool
// with recycle. Only the sender may call it, between two sends: a record dropped
// (DropOldest) or acknowledged while a Send is writing it is settled, but its bytes are
// still being read until Send returns.
func (q *queue) reclaim() {
	if q.sp != nil {
		q.sp.Reclaim()
		return
	}
	q.release(q.recycle)
}

// release drops the chunks, oldest first, whose records have all settled, except the one
// being filled; toPool puts the full-size ones back in chunkPool.
func (q *queue) release(toPool bool) {
	n := 0
	for ; n < len(q.chunks)-1 && q.chunks[n].last <= q.done; n++ {
		if buf := q.chunks[n].buf; toPool && len(buf) == maxChunk {
			chunkPool.Put((*[maxChunk]byte)(buf))
		}
	}
	if n > 0 {
		k := copy(q.chunks, q.chunks[n:])
		clear(q.chunks[k:])
		q.chunks, q.base = q.chunks[:k], q.base+n
	}
}
