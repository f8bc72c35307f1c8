package slogx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// MemoryDefaultCapacity is the number of records a MemoryHandler buffers when
// MemoryOptions.Capacity is zero.
const MemoryDefaultCapacity = 1024

// ErrNoTarget is the cause reported for records a MemoryHandler dropped because it had no
// target and its buffer was full.
var ErrNoTarget = errors.New("slogx: memory handler has no target and its buffer is full")

// MemoryOptions configures a MemoryHandler. The zero value buffers MemoryDefaultCapacity
// records and flushes on Error records, on a full buffer and on Close.
type MemoryOptions struct {
	// Capacity is the number of buffered records that triggers a flush. Zero or less means
	// MemoryDefaultCapacity. Without a target it is also the bound of the buffer: later
	// records are dropped and counted until a target is set and the buffer flushed.
	Capacity int

	// FlushLevel makes a record at or above it flush the buffer, itself included. Nil means
	// slog.LevelError, Python's default flushLevel=ERROR.
	FlushLevel slog.Leveler

	// FlushInterval, if positive, also flushes the buffer periodically from a goroutine
	// that Close stops, so that buffered records are not held indefinitely in a quiet program.
	FlushInterval time.Duration

	// Tick, if not nil, replaces the FlushInterval ticker: each value received flushes. Tests
	// use it to flush at chosen moments without sleeping.
	Tick <-chan time.Time

	// Level is the minimum level buffered. Nil means: what the target is enabled for, or
	// every level while there is no target.
	Level slog.Leveler

	// NoFlushOnClose makes Close discard the buffer instead of flushing it (Python's
	// flushOnClose=False). Discarded records are counted as dropped.
	NoFlushOnClose bool

	// OnError receives target errors, target panics and drops. Nil means standard error,
	// rate-limited.
	OnError func(error)
}

// MemoryHandler is Python's MemoryHandler: it buffers records and hands them, in order, to a
// target handler when the buffer holds Capacity records, when a record at or above FlushLevel
// arrives, every FlushInterval, on Flush and on Close. Create it with Memory.
//
// Records are cloned, so callers may reuse their attributes. Flushes are serialized: records
// reach the target in the order they were accepted, and the target is called by one
// goroutine at a time. A flush calls the target for a record only if the target (as derived by
// WithAttrs and WithGroup) is enabled for its level. Target errors are counted and reported,
// a target panic is recovered, counted and reported, and neither stops the flush. A Handle that
// triggers a flush returns when the flush is done, so a slow target slows that caller, as in
// Python. The target must not log through the same MemoryHandler (the flush lock is not
// reentrant).
type MemoryHandler struct {
	m *memoryCore
	// A derived handler records how it was derived, not the derived target: the target can
	// change with SetTarget, so the derivation is replayed (once per target) at flush time.
	parent *MemoryHandler
	attrs  []slog.Attr
	group  string
	// The derived target for target generation memoryGen; guarded by m.flushMu.
	memoryDerived slog.Handler
	memoryGen     uint64
}

// memoryCore is shared by a MemoryHandler and the handlers derived from it.
type memoryCore struct {
	mu     sync.Mutex
	buf    []memoryRecord
	spare  []memoryRecord // the previous flush's slice, reused
	target slog.Handler
	gen    uint64 // incremented by SetTarget; invalidates derived targets
	closed bool
	// current holds the target for Enabled, which must not take mu.
	current atomic.Pointer[memoryTarget]

	// flushMu serializes deliveries, so two flushes cannot reorder records.
	flushMu sync.Mutex

	capacity   int
	flushLevel slog.Leveler
	level      slog.Leveler
	noFlush    bool
	rep        *Reporter
	delivered  atomic.Uint64

	stop      chan struct{}
	done      chan struct{} // closed by the interval goroutine; nil if there is none
	closeOnce sync.Once
	closeErr  error
}

type memoryTarget struct{ h slog.Handler }

var (
	_ slog.Handler = (*MemoryHandler)(nil)
	_ io.Closer    = (*MemoryHandler)(nil)
)

// memoryRecord is one buffered record with the handler it was logged through.
type memoryRecord struct {
	h   *MemoryHandler
	ctx context.Context
	r   slog.Record
}

// Memory returns a MemoryHandler buffering records for target. A nil target buffers up to
// Capacity records until SetTarget. With FlushInterval or Tick set, a goroutine flushes
// periodically until Close.
func Memory(target slog.Handler, o MemoryOptions) *MemoryHandler {
	m := &memoryCore{
		target:     target,
		capacity:   o.Capacity,
		flushLevel: o.FlushLevel,
		level:      o.Level,
		noFlush:    o.NoFlushOnClose,
		rep:        NewReporter(o.OnError),
	}
	if m.capacity <= 0 {
		m.capacity = MemoryDefaultCapacity
	}
	if m.flushLevel == nil {
		m.flushLevel = slog.LevelError
	}
	if target != nil {
		m.current.Store(&memoryTarget{target})
	}
	if o.Tick != nil || o.FlushInterval > 0 {
		m.stop = make(chan struct{})
		m.done = make(chan struct{})
		go m.memoryTicker(o.Tick, o.FlushInterval)
	}
	return &MemoryHandler{m: m}
}

func (m *memoryCore) memoryTicker(tick <-chan time.Time, every time.Duration) {
	defer close(m.done)
	if tick == nil {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-m.stop:
			return
		case <-tick:
			_ = m.memoryFlush() // errors are counted and reported by the flush
		}
	}
}

// Enabled reports whether records of level are buffered: level >= Options.Level if set,
// otherwise whether the current target is enabled (true while there is none).
func (h *MemoryHandler) Enabled(ctx context.Context, level slog.Level) bool {
	m := h.m
	if m.level != nil {
		return level >= m.level.Level()
	}
	if t := m.current.Load(); t != nil {
		return t.h.Enabled(ctx, level)
	}
	return true
}

// Handle buffers a clone of r and, if that fills the buffer or r is at or above FlushLevel,
// flushes the buffer to the target before returning, returning the flush's errors. Without a
// target and with a full buffer, r is dropped (counted, reported) and ErrNoTarget returned;
// after Close, r is dropped and ErrClosed returned.
func (h *MemoryHandler) Handle(ctx context.Context, r slog.Record) error {
	if ctx == nil {
		ctx = context.Background()
	}
	m := h.m
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		m.rep.Drop(1, ErrClosed)
		return ErrClosed
	}
	if m.target == nil && len(m.buf) >= m.capacity {
		m.mu.Unlock()
		m.rep.Drop(1, ErrNoTarget)
		return ErrNoTarget
	}
	m.buf = append(m.buf, memoryRecord{h: h, ctx: ctx, r: r.Clone()})
	flush := m.target != nil && (len(m.buf) >= m.capacity || r.Level >= m.flushLevel.Level())
	m.mu.Unlock()
	if flush {
		return m.memoryFlush()
	}
	return nil
}

// Flush hands every buffered record to the target, in order, then flushes the target if it
// buffers too, and returns the errors.Join of the target's errors. Without a target it does
// nothing and the records stay buffered, as in Python. ctx bounds the target's flush; the
// records are handed over in any case.
func (h *MemoryHandler) Flush(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	err := h.m.memoryFlush()
	h.m.mu.Lock()
	target := h.m.target
	h.m.mu.Unlock()
	if target == nil {
		return err
	}
	return errors.Join(err, Flush(ctx, target))
}

func (m *memoryCore) memoryFlush() error {
	m.flushMu.Lock()
	defer m.flushMu.Unlock()
	m.mu.Lock()
	target, gen, batch := m.target, m.gen, m.buf
	if target == nil || len(batch) == 0 {
		m.mu.Unlock()
		return nil
	}
	m.buf, m.spare = m.spare, nil
	m.mu.Unlock()

	var errs []error
	for i := range batch {
		if err := m.memoryDeliver(target, gen, &batch[i]); err != nil {
			errs = append(errs, err)
		}
	}
	clear(batch) // drop references to records and contexts
	m.mu.Lock()
	m.spare = batch[:0]
	m.mu.Unlock()
	return errors.Join(errs...)
}

func (m *memoryCore) memoryDeliver(target slog.Handler, gen uint64, rec *memoryRecord) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("slogx: memory target panicked: %v", p)
			m.rep.Error(err)
		}
	}()
	h := rec.h.memoryResolve(target, gen)
	ctx := rec.ctx
	if ctx.Done() != nil {
		// The caller's context may be cancelled by now; the target gets its values only.
		ctx = context.WithoutCancel(ctx)
	}
	if !h.Enabled(ctx, rec.r.Level) {
		return nil
	}
	if err := h.Handle(ctx, rec.r); err != nil {
		err = fmt.Errorf("slogx: memory target: %w", err)
		m.rep.Error(err)
		return err
	}
	m.delivered.Add(1)
	return nil
}

// memoryResolve returns target as derived by h's WithAttrs/WithGroup chain, computing it once
// per target generation. Called with m.flushMu held.
func (h *MemoryHandler) memoryResolve(target slog.Handler, gen uint64) slog.Handler {
	if h.parent == nil {
		return target
	}
	if h.memoryDerived != nil && h.memoryGen == gen {
		return h.memoryDerived
	}
	d := h.parent.memoryResolve(target, gen)
	if h.group != "" {
		d = d.WithGroup(h.group)
	} else {
		d = d.WithAttrs(h.attrs)
	}
	h.memoryDerived, h.memoryGen = d, gen
	return d
}

// SetTarget sets the handler buffered records are flushed to (nil: buffer without target).
// As in Python it does not flush by itself: the next record that fills the buffer or reaches
// FlushLevel, the next tick, Flush or Close does. Records already buffered go to the new target,
// with the attributes and groups of the handler they were logged through.
func (h *MemoryHandler) SetTarget(target slog.Handler) {
	m := h.m
	m.mu.Lock()
	defer m.mu.Unlock()
	m.target = target
	m.gen++
	if target == nil {
		m.current.Store(nil)
	} else {
		m.current.Store(&memoryTarget{target})
	}
}

// WithAttrs returns a handler on the same buffer whose records reach the target with as.
func (h *MemoryHandler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	return &MemoryHandler{m: h.m, parent: h, attrs: append([]slog.Attr(nil), as...)}
}

// WithGroup returns a handler on the same buffer whose records' attributes reach the target
// qualified by name.
func (h *MemoryHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &MemoryHandler{m: h.m, parent: h, group: name}
}

// Close stops the interval goroutine, refuses later records (ErrClosed), and flushes the
// buffer, unless NoFlushOnClose is set or there is no target: then the buffered records are
// dropped, counted and reported. Then it closes the target, if it is an io.Closer: a wrapper
// owns what it wraps, everywhere in this module (Python's MemoryHandler leaves its target open;
// here Close of the outermost handler releases the whole chain). It returns the errors of the
// flush and of closing the target, joined. It is idempotent and applies to derived handlers too.
func (h *MemoryHandler) Close() error {
	m := h.m
	m.closeOnce.Do(func() {
		if m.done != nil {
			close(m.stop)
			<-m.done
		}
		m.mu.Lock()
		m.closed = true
		noTarget := m.target == nil
		m.mu.Unlock()
		if !m.noFlush && !noTarget {
			m.closeErr = m.memoryFlush()
		}
		// Whatever is left could not be delivered: count it rather than lose it silently.
		m.flushMu.Lock()
		m.mu.Lock()
		n := len(m.buf)
		clear(m.buf)
		m.buf, m.spare = nil, nil
		m.mu.Unlock()
		m.flushMu.Unlock()
		if n > 0 {
			m.rep.Drop(uint64(n), fmt.Errorf("slogx: memory handler closed with %d records not flushed: %w", n, ErrClosed))
		}
		m.mu.Lock()
		target := m.target
		m.mu.Unlock()
		if target != nil {
			if err := Close(target); err != nil {
				m.closeErr = errors.Join(m.closeErr, fmt.Errorf("slogx: memory handler: close target: %w", err))
			}
		}
	})
	return m.closeErr
}

// Len returns the number of records buffered.
func (h *MemoryHandler) Len() int {
	m := h.m
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.buf)
}

// Stats returns the counters: Records handed to the target without error, Errors of the
// target (including panics), Dropped records (no target and full, closed, not flushed on
// Close). Bytes is always zero.
func (h *MemoryHandler) Stats() Stats {
	m := h.m
	return Stats{Records: m.delivered.Load(), Errors: m.rep.Errors(), Dropped: m.rep.Dropped()}
}
