package netsink

import (
	"container/list"
	"sync"
	"sync/atomic"
)

// DefaultMaxSenders is the number of senders a Dedup remembers unless told otherwise.
const DefaultMaxSenders = 4096

// Dedup remembers, per sender id, the highest sequence number a Server has handled, so that
// frames a Socket replays after a reconnect are handled once. It holds at most MaxSenders
// senders and forgets the least recently seen one first; a forgotten sender that replays
// old frames gets them handled again (at-least-once for that sender).
//
// A Dedup lives as long as the process: a Server restarted in the same process with the same
// Dedup (Server.Dedup) drops replays exactly; a new process starts empty, so the records a
// Socket sent and the old process handled but did not acknowledge yet are handled again.
type Dedup struct {
	max int

	mu      sync.Mutex
	senders map[string]*list.Element
	lru     list.List // of *wireSender, most recent first
	// front is the front of lru, set under mu whenever it changes. A connection carries
	// one sender's frames, so the sender of a frame is almost always the front: seeing it
	// there is seeing it the most recent, as moving it to the front would leave it, and
	// needs neither mu nor the map.
	front atomic.Pointer[wireSender]
}

// NewDedup returns a Dedup remembering up to maxSenders senders (DefaultMaxSenders if zero
// or less).
func NewDedup(maxSenders int) *Dedup {
	if maxSenders <= 0 {
		maxSenders = DefaultMaxSenders
	}
	return &Dedup{max: maxSenders, senders: make(map[string]*list.Element)}
}

// wireSender serializes the handling of one sender's records: check, handle and advance
// happen under mu, so two connections of the same sender (an old one still draining and its
// replacement replaying) never handle the same sequence number twice.
type wireSender struct {
	id   string
	mu   sync.Mutex
	last uint64
}

func (d *Dedup) sender(id []byte) *wireSender {
	if s := d.front.Load(); s != nil && s.id == string(id) {
		return s
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.touch(id)
	d.front.Store(s)
	return s
}

// touch returns the sender id, moved to the front of the LRU or added there; d.mu is held.
func (d *Dedup) touch(id []byte) *wireSender {
	if e, ok := d.senders[string(id)]; ok {
		d.lru.MoveToFront(e)
		return e.Value.(*wireSender)
	}
	s := &wireSender{id: string(id)}
	d.senders[s.id] = d.lru.PushFront(s)
	for d.lru.Len() > d.max {
		old := d.lru.Back()
		d.lru.Remove(old)
		delete(d.senders, old.Value.(*wireSender).id)
	}
	return s
}

// Len returns how many senders are remembered.
func (d *Dedup) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lru.Len()
}
