package netsink

import "time"

// acquireSlot takes a connection slot for a connection just accepted. With every slot taken
// it evicts the connection idle the longest, then waits for its slot; with none idle (all
// busy handling frames) it waits until a slot frees or a connection becomes idle. It returns
// false once the Server is closing.
func (s *Server) acquireSlot() bool {
	for {
		select {
		case s.sem <- struct{}{}:
			return true
		default:
		}
		var idle <-chan struct{}
		if !s.evictIdlest() {
			idle = s.idle // nothing to evict yet: wait for a slot, or for a candidate
		}
		select {
		case s.sem <- struct{}{}:
			return true
		case <-idle:
		case <-s.done:
			return false
		}
	}
}

// evictIdlest closes the connection that has been waiting longest for a frame and reports
// whether there was one. Its goroutine frees the slot as its read fails.
func (s *Server) evictIdlest() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	var victim *wireServerConn
	var oldest int64
	for _, sc := range s.conns {
		since := sc.idleSince.Load()
		if since == 0 || sc.evicted.Load() || sc.stopping.Load() {
			continue
		}
		if victim == nil || since < oldest {
			victim, oldest = sc, since
		}
	}
	if victim == nil {
		return false
	}
	victim.evicted.Store(true)
	victim.c.Close()
	s.stats.evicted.Add(1)
	return true
}

// markIdle records that the connection starts waiting for its next frame (everything before
// it handled and acknowledged), which makes it evictable, and wakes an acceptor waiting for a
// candidate. A connection that has not sent a frame yet keeps its accept time.
func (sc *wireServerConn) markIdle() {
	if !sc.idleSince.CompareAndSwap(0, time.Now().UnixNano()) {
		return
	}
	select {
	case sc.s.idle <- struct{}{}:
	default:
	}
}
