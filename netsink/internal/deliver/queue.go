package deliver

// queue holds the records not yet settled (delivered, refused or dropped), oldest first.
// Their sequence numbers are consecutive: recs[head] has done+1, the newest has last.
//
// Records are copied into chunks that are only ever appended to, so a slice handed to the
// sender stays valid while Write goes on; a full chunk is replaced, never reused, and the
// garbage collector frees it once no record refers to it.
type queue struct {
	recs  [][]byte
	head  int
	bytes int
	chunk []byte
	done  uint64 // sequence number of the last settled record
	last  uint64 // sequence number of the last record written
}

// maxChunk is the size chunks grow to; they start small so that a thousand idle handlers
// cost little.
const maxChunk = 64 << 10

func (q *queue) len() int { return len(q.recs) - q.head }

// push copies p in and returns the copy and its sequence number.
func (q *queue) push(p []byte) ([]byte, uint64) {
	if cap(q.chunk)-len(q.chunk) < len(p) {
		q.chunk = make([]byte, 0, max(len(p), min(2*cap(q.chunk), maxChunk), 4<<10))
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
