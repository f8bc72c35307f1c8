package slogx

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// SampleOptions configures Sample. The zero value drops every record (First and Thereafter 0),
// exactly as zap's sampler does with the same numbers.
type SampleOptions struct {
	// Tick is the length of a sampling window, measured by the records' own times. A window
	// starts with the first record of its (level band, message) counter whose time is at or
	// past the end of the previous window; a record stamped more than Tick ahead of the wall
	// clock is measured by the wall clock instead.
	// With Tick <= 0 every record in time order starts a new window, so only First matters.
	Tick time.Duration
	// First records of each window pass. Negative counts as 0.
	First int
	// Thereafter: after First, every Thereafter-th record of the window passes; 0 drops the
	// rest of the window. Negative counts as 0.
	Thereafter int
	// OnDrop, if set, is called with every record Sample drops, in the logging goroutine,
	// before Handle returns, possibly concurrently. The record is the caller's: use
	// slog.Record.Clone to keep it past the call. OnDrop must not log through the same handler.
	OnDrop func(slog.Record)
}

// SampleHandler is the handler Sample returns.
type SampleHandler struct {
	h slog.Handler
	s *sampler // shared by every handler derived with WithAttrs and WithGroup
}

// Sample returns a handler that passes to h a sample of the records it gets, with the
// semantics of zap's sampler (zapcore.NewSamplerWithOptions) exactly: per (level band,
// message), the first First records of each window of Tick pass, then every Thereafter-th,
// and the rest are dropped, counted in Stats().Dropped and given to OnDrop. A dropped record
// makes Handle return nil.
//
// Level bands stand in for zap's seven levels, so the table is bounded whatever levels are
// logged: slog's level names split the scale into DEBUG (every level below INFO, including
// custom TRACE-like levels), INFO (0 to 3), WARN (4 to 7), ERROR (8 to 11) and CRITICAL (12,
// slogx.LevelCritical, and above). Records of one band share their counters: INFO+2 counts
// with INFO, as slog names it.
//
// As in zap, the counters live in a fixed table of 4096 per band indexed by the 32-bit FNV-1a
// hash of the message, so two messages whose hashes agree modulo 4096 share a counter; the
// table is allocated once (about 320 KiB) and memory never grows. A window is measured by the
// record's time, so replayed or delayed records are sampled as of when they happened; a
// record with a zero time is measured by the clock when Handle is called.
//
// One difference from zap: a record stamped more than a Tick ahead of the wall clock (a
// broken clock, a forged or mistyped timestamp) is measured by the wall clock instead, so it
// counts in the current window, or starts an ordinary one if none is running. zap's sampler
// would start a window ending at that record's time, and until then every record of its
// counter, however stamped, would count in that one window: a single record stamped a
// century ahead would leave First meaningless for a century. The wall clock is read only
// when a record would start a window, not for every record.
//
// Handle takes no lock: each decision is two or three atomic operations on the record's
// counter, as in zap. Under concurrency a window's boundary may be slightly over- or
// under-sampled, as zap documents for its own sampler; sequential use is exact. Handle
// allocates nothing.
//
// The handlers derived with WithAttrs and WithGroup share the counters and Stats, as zap's
// With does: attributes do not change which counter a record uses. Enabled is h's. Sample
// owns h: Flush and Close are forwarded to it.
func Sample(h slog.Handler, o SampleOptions) *SampleHandler {
	s := &sampler{tick: max(int64(o.Tick), 0), onDrop: o.OnDrop, now: time.Now}
	if o.First > 0 {
		s.first = uint64(o.First)
	}
	if o.Thereafter > 0 {
		s.thereafter = uint64(o.Thereafter)
	}
	return &SampleHandler{h: h, s: s}
}

// sampleBands is the number of level bands: DEBUG, INFO, WARN, ERROR, CRITICAL.
const sampleBands = 5

// sampleCountersPerBand is zap's _countersPerLevel; the differential test relies on it.
const sampleCountersPerBand = 4096

// sampleDropShards spreads the dropped count over cache lines, so that goroutines dropping
// different messages do not contend on one counter.
const sampleDropShards = 8

type sampler struct {
	counters          [sampleBands][sampleCountersPerBand]sampleCounter
	dropped           [sampleDropShards]paddedCounter
	tick              int64
	first, thereafter uint64
	onDrop            func(slog.Record)
	now               func() time.Time // the wall clock; tests set their own
}

// sampleCounter is zap's counter: the end of the current window and the records seen in it.
type sampleCounter struct {
	resetAt atomic.Int64
	n       atomic.Uint64
}

type paddedCounter struct {
	n atomic.Uint64
	_ [56]byte
}

// sampleBand maps a level to its band: the bands are four slog levels wide, starting at DEBUG
// (-4), and the lowest and highest are open-ended.
func sampleBand(l slog.Level) int {
	b := (int(l) + 4) >> 2 // arithmetic shift: levels below -4 give negative bands
	return min(max(b, 0), sampleBands-1)
}

// fnv32a is the 32-bit FNV-1a hash of s, written out (as zap does) so that hashing a string
// allocates nothing.
func fnv32a(s string) uint32 {
	const (
		offset32 = 2166136261
		prime32  = 16777619
	)
	h := uint32(offset32)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= prime32
	}
	return h
}

// incCheckReset is zap's counter.IncCheckReset: it counts a record at time tn (Unix ns) and
// returns its number in the window, starting a new window when tn has reached the end of
// the current one. A tn more than a tick ahead of the wall clock (now) is replaced by now.
func (c *sampleCounter) incCheckReset(tn, tick int64, now func() time.Time) uint64 {
	resetAfter := c.resetAt.Load()
	if resetAfter > tn {
		return c.n.Add(1)
	}
	// Only a record that would start a window reads the clock. One stamped more than a tick
	// ahead of it would start a window lasting until its own time, years perhaps, in which
	// every later record would count; measured by the clock, it counts in the current
	// window or starts an ordinary one.
	if wall := now().UnixNano(); tn > wall && tn-wall > tick {
		tn = wall
		if resetAfter > tn {
			return c.n.Add(1)
		}
	}
	c.n.Store(1)
	if !c.resetAt.CompareAndSwap(resetAfter, tn+tick) {
		// Another goroutine started the window and also stored 1: count on top of it.
		return c.n.Add(1)
	}
	return 1
}

// keep counts r and reports whether it passes.
func (s *sampler) keep(r *slog.Record) bool {
	t := r.Time
	if t.IsZero() {
		t = s.now()
	}
	hash := fnv32a(r.Message)
	c := &s.counters[sampleBand(r.Level)][hash%sampleCountersPerBand]
	n := c.incCheckReset(t.UnixNano(), s.tick, s.now)
	if n > s.first && (s.thereafter == 0 || (n-s.first)%s.thereafter != 0) {
		s.dropped[hash%sampleDropShards].n.Add(1)
		return false
	}
	return true
}

// Enabled reports whether h is enabled for level: sampling needs the record's message.
func (h *SampleHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.h.Enabled(ctx, level)
}

// Handle passes r to h if the sampler keeps it; otherwise it counts r, gives it to OnDrop
// and returns nil.
func (h *SampleHandler) Handle(ctx context.Context, r slog.Record) error {
	if !h.s.keep(&r) {
		if h.s.onDrop != nil {
			h.s.onDrop(r)
		}
		return nil
	}
	return h.h.Handle(ctx, r)
}

// WithAttrs returns a SampleHandler over h.WithAttrs(as) sharing this one's counters.
func (h *SampleHandler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	return &SampleHandler{h: h.h.WithAttrs(as), s: h.s}
}

// WithGroup returns a SampleHandler over h.WithGroup(name) sharing this one's counters.
func (h *SampleHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &SampleHandler{h: h.h.WithGroup(name), s: h.s}
}

// Stats returns the records dropped by this handler and every handler derived from it. It
// may be called concurrently with Handle; the figure is exact once Handle calls have returned.
func (h *SampleHandler) Stats() Stats {
	var d uint64
	for i := range h.s.dropped {
		d += h.s.dropped[i].n.Load()
	}
	return Stats{Dropped: d}
}

// Flush flushes h if it buffers.
func (h *SampleHandler) Flush(ctx context.Context) error { return Flush(ctx, h.h) }

// Close closes h if it is an io.Closer.
func (h *SampleHandler) Close() error { return Close(h.h) }
