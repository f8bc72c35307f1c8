package deliver

import (
	"fmt"
	"time"
)

// sender is the state owned by the sender goroutine.
type sender struct {
	e        *Engine
	conn     Conn
	acker    Acker         // conn, when the peer acknowledges
	dead     chan struct{} // closed when the ack reader of conn returned
	backoff  Backoff
	retryAt  time.Time // when the backoff allows the next attempt
	attempts int       // failed sends of the head batch in a row
	since    time.Time // when the sender first saw the records of the partial batch it waits to fill
	stall    stall
	batch    Batch
	timer    *time.Timer
}

// run is the sender goroutine: it owns the connection.
func (e *Engine) run() {
	defer close(e.done)
	s := &sender{e: e, backoff: e.opts.Backoff}
	s.timer = time.NewTimer(time.Hour)
	s.timer.Stop()
	defer s.timer.Stop()
	defer s.teardown()
	closing := e.closing
	for {
		if e.ctx.Err() != nil {
			return
		}
		if s.dead != nil {
			select {
			case <-s.dead:
				// The peer closed the connection, or sent garbage: reconnect and replay.
				s.broken(e.now())
				continue
			default:
			}
		}
		b, ready := s.collect(closing == nil)
		if b == nil {
			select {
			case <-e.wake:
			case <-e.stop:
				return
			case <-s.dead: // nil without an ack reader: blocks
			case <-closing:
				closing = nil
			}
			continue
		}
		if !ready {
			s.wait(s.since.Add(e.opts.BatchInterval).Sub(time.Now()), &closing)
			continue
		}
		if s.conn == nil {
			if closing == nil && !s.lastChance() {
				// Close started: one attempt now, whatever the schedule says.
			} else if now := e.now(); !s.backoff.Ready(now) {
				s.wait(s.retryAt.Sub(now), &closing)
				continue
			}
			if !s.connect() {
				if e.ctx.Err() != nil {
					return
				}
				continue
			}
			continue // what to send depends on the new connection
		}
		if st, ok := s.conn.(Staler); ok && st.Stale() {
			s.teardown() // the peer went away while we were idle: not a failure
			continue
		}
		s.send(b)
		if e.ctx.Err() != nil {
			return
		}
	}
}

// lastChance reports whether the one connection attempt Close allows was already made.
func (s *sender) lastChance() bool {
	if s.stall.closeTried {
		return true
	}
	s.stall.closeTried = true
	s.backoff.Reset()
	return false
}

// wait sleeps up to d, waking early for a Write (which may make a batch full, or a test
// clock may have moved), Close, or the end of the connection.
func (s *sender) wait(d time.Duration, closing *chan struct{}) {
	if d <= 0 {
		return
	}
	s.timer.Reset(d)
	select {
	case <-s.timer.C:
	case <-s.e.wake:
	case <-s.e.stop:
	case <-s.dead:
	case <-*closing:
		*closing = nil
	}
	s.timer.Stop()
}

// collect gathers the next batch: the records after those already written on an Acker's
// connection (after those settled otherwise), within the batch bounds. It returns nil when
// there is nothing to send, and ready=false while a partial batch should wait to fill.
func (s *sender) collect(closing bool) (*Batch, bool) {
	e := s.e
	maxBytes, maxRecs := e.opts.maxBatchBytes(), e.opts.MaxBatchRecords
	b := &s.batch
	clear(b.Records)
	clear(b.Spans)
	b.Records, b.Spans, b.Bytes = b.Records[:0], b.Spans[:0], 0
	e.mu.Lock()
	defer e.mu.Unlock()
	e.q.reclaim() // no Send is running: the settled records' bytes are free
	start := max(e.sent, e.q.done) + 1
	if start > e.q.last {
		s.since = time.Time{}
		return nil, false
	}
	b.First = start
	full := false
	for seq := start; seq <= e.q.last; seq++ {
		rec := e.q.at(seq)
		if len(b.Records) > 0 && (b.Bytes+len(rec) > maxBytes || (maxRecs > 0 && len(b.Records) >= maxRecs)) {
			full = true
			break
		}
		b.Records = append(b.Records, rec)
		b.Bytes += len(rec)
	}
	if e.q.sp != nil && !e.opts.RecycleChunks {
		// The transport may read the records after Send returned (net/http reads a body
		// on its own goroutine), and a delivered segment is unmapped or filled again: it
		// gets a copy of its own, one per batch.
		buf := make([]byte, 0, b.Bytes)
		for i, r := range b.Records {
			buf = append(buf, r...)
			b.Records[i] = buf[len(buf)-len(r) : len(buf) : len(buf)]
		}
	}
	b.Spans = e.q.spans(b.Spans, b.Records, b.First, b.Last())
	if e.opts.BatchInterval <= 0 || full || closing || e.urgent >= start ||
		(maxRecs > 0 && len(b.Records) >= maxRecs) || b.Bytes >= maxBytes {
		s.since = time.Time{}
		return b, true
	}
	if s.since.IsZero() {
		s.since = time.Now()
	}
	return b, time.Since(s.since) >= e.opts.BatchInterval
}

// connect makes a connection and starts its ack reader. It reports whether it succeeded.
func (s *sender) connect() bool {
	e := s.e
	// The schedule counts from the attempt: read the clock before it, since the failure
	// report below may let a test move its clock.
	at := e.now()
	c, err := e.tr.Connect(e.ctx)
	if err != nil {
		s.retryAt = s.backoff.Failed(at)
		if e.ctx.Err() == nil {
			e.rep.Error(fmt.Errorf("%s: connect: %w", e.opts.Name, err))
		}
		return false
	}
	s.conn = c
	e.mu.Lock()
	e.sent = e.q.done // replay everything not acknowledged
	s.stall.connDone = e.q.done
	e.mu.Unlock()
	if a, ok := c.(Acker); ok {
		s.acker = a
		s.dead = make(chan struct{})
		go s.readAcks(a, s.dead)
	}
	return true
}

func (s *sender) readAcks(a Acker, dead chan struct{}) {
	defer close(dead)
	if err := a.ReadAcks(s.e.ack); err != nil && s.e.ctx.Err() == nil {
		s.e.rep.Error(fmt.Errorf("%s: %w", s.e.opts.Name, err))
	}
}

// send sends b and settles what it can.
func (s *sender) send(b *Batch) {
	e := s.e
	at := e.now()
	err := s.conn.Send(e.ctx, b)
	if err == nil {
		s.backoff.Reset()
		s.attempts = 0
		e.sentOK(b, s.acker != nil)
		return
	}
	if e.ctx.Err() != nil {
		return // Close gave up: it counts what is left
	}
	if IsPermanent(err) {
		s.attempts = 0
		e.refuse(b, err)
		return
	}
	s.attempts++
	switch max := e.opts.MaxRetries; {
	case max < 0:
		e.rep.Error(fmt.Errorf("%s: send: %w", e.opts.Name, err))
	case s.attempts > max:
		if s.attempts > 1 {
			err = fmt.Errorf("%w (gave up after %d attempts)", err, s.attempts)
		}
		s.attempts = 0
		e.refuse(b, err)
		s.teardown()
		s.backoff.Reset() // the next batch starts afresh
		return
	}
	s.broken(at)
	if d, ok := retryDelay(err); ok {
		// From the answer, not the attempt: the peer's wait starts when it said so.
		s.retryAt = s.backoff.NotBefore(e.now().Add(d))
	}
}

// broken ends a connection that failed: the poison rule, then a new connection after the
// backoff.
func (s *sender) broken(at time.Time) {
	if s.acker != nil {
		s.e.connDied(&s.stall)
	}
	s.teardown()
	s.retryAt = s.backoff.Failed(at)
}

// teardown closes the connection, if any, and waits for its ack reader.
func (s *sender) teardown() {
	if s.conn == nil {
		return
	}
	s.conn.Close()
	if s.dead != nil {
		<-s.dead
	}
	s.conn, s.acker, s.dead = nil, nil, nil
	e := s.e
	e.mu.Lock()
	e.sent = e.q.done // everything unacknowledged goes again, on the next connection
	e.mu.Unlock()
}
