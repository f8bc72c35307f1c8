package spool

import "time"

// background does the slow work of the spool off the log calls: it faults pages in ahead of
// the writer, makes the next segment ahead, unmaps deleted ones, and with a positive Sync
// flushes what was written at most every Sync. It ends at Close.
func (s *Spool) background() {
	defer close(s.bgDone)
	var tick <-chan time.Time
	if s.o.Sync > 0 {
		t := time.NewTicker(s.o.Sync)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-s.stop:
			return
		case <-s.poke:
			s.unmapDead()
			s.touchAhead()
			s.makeSpare()
		case <-tick:
			_ = s.syncAll() // an error shows again at Close, which returns it
		}
	}
}

// touchAhead faults in the pages of the active segment up to touchAhead bytes past its end.
func (s *Spool) touchAhead() {
	s.mapMu.Lock()
	defer s.mapMu.Unlock()
	seg := s.active.Load()
	if seg == nil || !seg.mapped {
		return
	}
	from := int(seg.touched.Load())
	to := min(int(seg.end.Load())+touchAhead, len(seg.data))
	if to <= from {
		return
	}
	touch(seg.data, from, to)
	seg.touched.Store(int64(to))
}

// syncAll flushes to disk what was written to the mapped segments since the last call, and
// the cursor.
func (s *Spool) syncAll() error {
	s.mapMu.Lock()
	defer s.mapMu.Unlock()
	var first error
	for _, seg := range s.mapped {
		end := int(seg.end.Load())
		if seg.synced >= end {
			continue
		}
		if err := msync(seg.data[pageDown(seg.synced):end]); err != nil && first == nil {
			first = err
		}
		seg.synced = end
	}
	if err := s.cur.sync(); err != nil && first == nil {
		first = err
	}
	return first
}
