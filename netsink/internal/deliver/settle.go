package deliver

import "fmt"

// sentOK settles a batch Send accepted: delivered, unless the peer acknowledges.
func (e *Engine) sentOK(b *Batch, acked bool) {
	last := b.Last()
	e.mu.Lock()
	defer e.mu.Unlock()
	if acked {
		e.sent = max(e.sent, last)
		return
	}
	e.deliveredUpTo(last)
}

// ack settles every record up to seq as delivered; it runs on the ack reader.
func (e *Engine) ack(seq uint64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.deliveredUpTo(seq)
	e.sent = max(e.sent, e.q.done)
}

// deliveredUpTo settles the buffered records up to seq as delivered; e.mu must be held.
// Records dropped meanwhile (DropOldest) are no longer buffered and stay counted as dropped.
func (e *Engine) deliveredUpTo(seq uint64) {
	n, bytes := e.q.popTo(seq)
	e.records += uint64(n)
	e.bytes += uint64(bytes)
	if n > 0 {
		e.signal()
	}
}

// refuse settles the records of b that are still buffered as failed: one Error for the
// batch (the failure event) and its records counted as Dropped with that cause, so that every
// record written ends in Records or Dropped. Both are counted before the records settle, so a
// Flush that returns because they did finds them in Stats already (Flusher's promise:
// delivered, or failed and counted).
func (e *Engine) refuse(b *Batch, cause error) {
	e.mu.Lock()
	n := 0
	if b.Last() > e.q.done {
		n = int(b.Last() - e.q.done)
	}
	e.mu.Unlock()
	// Reported outside e.mu: OnError is the user's code.
	err := e.rep.Error(fmt.Errorf("%s: %d records not delivered: %w", e.opts.Name, n, cause))
	e.mu.Lock()
	// Counted under e.mu, from what actually settles here: a record DropOldest took meanwhile
	// is counted already. err is marked reported, so Drop calls no user code.
	dropped, _ := e.q.popTo(b.Last())
	e.rep.Drop(uint64(dropped), err)
	e.sent = max(e.sent, e.q.done)
	e.signal()
	e.mu.Unlock()
}

// stall tracks connections that ended without acknowledging anything.
type stall struct {
	connDone   uint64 // q.done when the current connection was made
	head       uint64 // the head record the last dead connections stalled on
	count      int
	closeTried bool // the sender made the one attempt Close allows
}

// connDied is called when an Acker's connection breaks. A peer that closes the connection
// every time it reads a certain record (larger than its frame limit, say) would otherwise get
// it replayed forever, the records behind it piling up until the buffer overflows. So when
// PoisonAttempts connections in a row die after sending the same head record and before any
// acknowledgement, that record is dropped, counted and reported, and the rest flows on. A
// peer that is merely down fails at connect, not here.
func (e *Engine) connDied(s *stall) {
	e.mu.Lock()
	if e.q.len() == 0 || e.q.done != s.connDone || e.sent <= e.q.done {
		s.count = 0 // progress was made, or the head was never sent
		e.mu.Unlock()
		return
	}
	head := e.q.done + 1
	if head != s.head {
		s.head, s.count = head, 0
	}
	s.count++
	if s.count < PoisonAttempts {
		e.mu.Unlock()
		return
	}
	s.count = 0
	n := e.q.pop()
	e.sent = max(e.sent, e.q.done) // replays start after it; the peer accepts a gap
	e.signal()
	e.mu.Unlock()
	e.rep.Drop(1, fmt.Errorf("%s: the peer closed the connection %d times on record %d (%d bytes) without acknowledging it: dropped",
		e.opts.Name, PoisonAttempts, head, n))
}
