package netsink

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/slogx/handlers/netsink/internal/wire"
)

// DefaultServerMaxDecodeBytes is the default of Server.MaxDecodeBytes: 64 MiB.
const DefaultServerMaxDecodeBytes = 64 << 20

// errDecodeAborted is what a connection waiting for room to decode a frame gets when the
// Server is closed: the frame is left unhandled and unacknowledged.
var errDecodeAborted = errors.New("netsink: server closed while a frame waited to be decoded")

// decodeGate bounds the bytes of frames being decoded and handled at once, across a
// Server's connections: a weighted semaphore whose waiters are served in order of arrival,
// so a large frame is not overtaken forever by small ones. While nobody waits, a frame
// that fits takes its room with one compare-and-swap.
type decodeGate struct {
	max     int64
	used    atomic.Int64
	waiting atomic.Int32
	peak    atomic.Int64 // the most bytes ever in decode at once (tests)

	mu      sync.Mutex
	waiters []*gateWaiter
	onWait  func() // tests: called when a frame starts waiting
}

type gateWaiter struct {
	n     int64
	ready chan struct{}
}

func newDecodeGate(max int64) *decodeGate {
	if max <= 0 {
		max = DefaultServerMaxDecodeBytes
	}
	return &decodeGate{max: max}
}

// frameWeight is the room the frame p takes: its size, or for a pickle wirePickleWeight
// times its size, and at most the whole bound (a frame larger than the bound is then
// decoded alone).
func (g *decodeGate) frameWeight(p []byte) int64 {
	n := int64(len(p))
	if len(p) == 0 || p[0] <= 0x80 || p[0] > 0x8f && p[0] < 0xde { // not a msgpack map (see wire.Detect)
		if wire.Detect(p) == wire.KindPickle {
			n *= wirePickleWeight
		}
	}
	return min(n, g.max)
}

// wirePickleWeight is how many times its size a pickle frame counts against MaxDecodeBytes.
// The pickle decoder has no allocation budget of its own: a pickle may allocate up to
// about 750 bytes per byte (a value costs up to ~180 bytes, and memo references may expand
// a pickle to 8 times its size, see pickleExpansion), 96 times what a msgpack frame may,
// so that the bytes decoded at once across connections stay within 8 x MaxDecodeBytes.
const wirePickleWeight = 96

// pickleExpansion is how large memo references may expand a pickle frame of n bytes: 8
// times its size (plus 4 KiB), as a msgpack frame may allocate, and never past the frame
// limit. A 3 KiB pickle could otherwise describe a record of a million values (64 MiB).
func pickleExpansion(n, maxFrame int) int { return min(maxFrame, 8*n+4<<10) }

// acquire takes n bytes of room (n from weight), waiting for them while other frames hold
// the room or wait before it. It returns false, holding nothing, when stop is closed first.
func (g *decodeGate) acquire(n int64, stop <-chan struct{}) bool {
	if g.waiting.Load() == 0 && g.tryTake(n) {
		return true
	}
	g.mu.Lock()
	w := &gateWaiter{n: n, ready: make(chan struct{})}
	g.waiting.Add(1)
	g.waiters = append(g.waiters, w)
	g.grantLocked()
	hook := g.onWait
	g.mu.Unlock()
	select {
	case <-w.ready:
		return true
	default:
	}
	if hook != nil {
		hook()
	}
	select {
	case <-w.ready:
		return true
	case <-stop:
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-w.ready: // granted meanwhile: give the room back
		g.used.Add(-n)
	default:
		for i, x := range g.waiters {
			if x == w {
				g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
				g.waiting.Add(-1)
				break
			}
		}
	}
	g.grantLocked() // the frames behind it may fit now
	return false
}

// tryTake takes n bytes of room if they are free.
func (g *decodeGate) tryTake(n int64) bool {
	for {
		u := g.used.Load()
		if u+n > g.max {
			return false
		}
		if g.used.CompareAndSwap(u, u+n) {
			for p := g.peak.Load(); u+n > p && !g.peak.CompareAndSwap(p, u+n); p = g.peak.Load() {
			}
			return true
		}
	}
}

// release gives back n bytes of room and wakes the frames that fit in it, in order.
func (g *decodeGate) release(n int64) {
	g.used.Add(-n)
	// A waiter counted before this release's Add is seen here; one counted after it
	// checked the room itself, under mu, after the Add.
	if g.waiting.Load() > 0 {
		g.mu.Lock()
		g.grantLocked()
		g.mu.Unlock()
	}
}

// grantLocked gives room to the waiters at the head of the queue while they fit.
func (g *decodeGate) grantLocked() {
	for len(g.waiters) > 0 && g.tryTake(g.waiters[0].n) {
		close(g.waiters[0].ready)
		g.waiters[0] = nil
		g.waiters = g.waiters[1:]
		g.waiting.Add(-1)
	}
}
