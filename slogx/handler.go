package slogx

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/slogx/handlers/internal/buffer"
)

// ErrClosed is returned by Handle after the handler was closed.
var ErrClosed = errors.New("slogx: handler closed")

// ErrDropped marks a record a writer refused on purpose (too large for a datagram, say): a
// Write error wrapping it is counted in Stats().Dropped instead of Stats().Errors.
var ErrDropped = errors.New("slogx: record dropped")

// LevelWriter is implemented by writers that need the record's level with its bytes, such as
// the Windows event log, whose event type depends on it. Handler calls WriteLevel instead of
// Write for them; the one-call-per-record promise is the same.
type LevelWriter interface {
	WriteLevel(level slog.Level, p []byte) (int, error)
}

// Handler is the one handler shape of this module: a level, an Encoder and a writer that gets
// exactly one Write per record (the encoded record plus its terminator). Stream, file and
// rotating handlers are Handlers over different writers; netsink handlers are Handlers over
// framing writers.
//
// A Handler is safe for concurrent use: writes are serialized by a mutex shared with every
// handler derived through WithAttrs and WithGroup, so the writer need not be. A failed write is
// returned from Handle, counted in Stats and reported once through Options.OnError; it never
// panics. The error is the writer's own, unwrapped: give a writer of your own errors that say
// what failed.
type Handler struct {
	enc   Encoder
	cenc  ContextEncoder // enc, when it reads the log call's context
	level levelCheck
	out   *output
}

// levelCheck is the minimum level: a fixed slog.Level is compared directly, and only a
// Leveler that can change (a *slog.LevelVar) costs its method call. Every disabled debug line
// pays this, so it should cost what slog's own handlers cost.
type levelCheck struct {
	min slog.Level
	dyn slog.Leveler // nil when the level is fixed
}

func newLevelCheck(l slog.Leveler) levelCheck {
	if fixed, ok := l.(slog.Level); ok {
		return levelCheck{min: fixed}
	}
	return levelCheck{dyn: l}
}

func (c *levelCheck) enabled(level slog.Level) bool {
	if c.dyn != nil {
		return level >= c.dyn.Level()
	}
	return level >= c.min
}

// derive returns a Handler sharing h's level and output over enc.
func (h *Handler) derive(enc Encoder) *Handler {
	cenc, _ := enc.(ContextEncoder)
	return &Handler{enc: enc, cenc: cenc, level: h.level, out: h.out}
}

// output is the part shared by a Handler and every handler derived from it.
type output struct {
	mu   sync.Mutex
	w    io.Writer
	lw   LevelWriter     // w, when it wants the level
	dc   DeliveryCounter // w, when it counts delivered records itself
	term string
	rep  *Reporter
	// closed is set under mu; it is atomic because concurrent writers check it without mu.
	closed atomic.Bool
	// concurrent: w is safe for concurrent Writes and may wait in Write (see
	// ConcurrentWriter). Its Writes run outside mu, under inflight's read lock, which Close
	// takes to wait for them.
	concurrent bool
	inflight   sync.RWMutex
	// Counted under mu: cheaper than atomics on the hot path, which already holds mu.
	records, bytes uint64
}

// A ConcurrentWriter is a writer that is safe for concurrent Write calls and may wait in
// Write (a network writer whose overflow policy is Block with a bound). When
// ConcurrentWrite returns true, Handler calls its Write without the Handler's lock, so each
// log call waits at most the writer's own bound, not the sum of the bounds of the callers
// queued before it.
type ConcurrentWriter interface {
	ConcurrentWrite() bool
}

// NewHandler returns a Handler that encodes records with opts.Encoder (JSON when nil) and
// writes each, followed by opts' terminator, to w in a single Write call. An encoder that
// depends on its writer is told w here, once: Console with ColorAuto colors only when w is a
// terminal.
func NewHandler(w io.Writer, opts *Options) *Handler {
	return newHandler(w, opts, NewReporter(opts.errorFunc()))
}

func newHandler(w io.Writer, opts *Options, rep *Reporter) *Handler {
	lw, _ := w.(LevelWriter)
	dc, _ := w.(DeliveryCounter)
	cw, _ := w.(ConcurrentWriter)
	enc := opts.buildEncoder()
	if we, ok := enc.(writerEncoder); ok {
		enc = we.withWriter(w)
	}
	cenc, _ := enc.(ContextEncoder)
	return &Handler{
		enc:   enc,
		cenc:  cenc,
		level: newLevelCheck(opts.minLevel()),
		out: &output{w: w, lw: lw, dc: dc, term: opts.terminator(), rep: rep,
			concurrent: cw != nil && cw.ConcurrentWrite()},
	}
}

// Enabled reports whether level is at least the configured minimum level.
func (h *Handler) Enabled(_ context.Context, level slog.Level) bool {
	return h.level.enabled(level)
}

// Handle encodes r and writes it with one Write call. A write error is returned, counted and
// reported (marked so that middleware does not report it again; see IsReported); after Close,
// Handle returns ErrClosed and counts the record as dropped.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	buf := buffer.Get()
	var b []byte
	if h.cenc != nil {
		b = h.cenc.AppendContext(ctx, *buf, r)
	} else {
		b = h.enc.Append(*buf, r)
	}
	b = append(b, h.out.term...)
	o := h.out
	var err error
	if o.concurrent {
		_, err = o.writeConcurrent(r.Level, b)
	} else {
		_, err = o.write(r.Level, b)
	}
	*buf = b
	buffer.Put(buf)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrDropped), errors.Is(err, ErrClosed):
		return o.rep.Drop(1, err)
	}
	// Not wrapped: every writer of this module names its package and resource already
	// ("sinks: write app.log: ..."), and a second prefix would only stutter.
	return o.rep.Error(err)
}

// write writes b under mu, the path of every writer that is not a ConcurrentWriter. No defer:
// this is the hot path of every file and stream handler.
func (o *output) write(level slog.Level, b []byte) (n int, err error) {
	o.mu.Lock()
	if o.closed.Load() {
		o.mu.Unlock()
		return 0, ErrClosed
	}
	if o.lw != nil {
		n, err = o.lw.WriteLevel(level, b)
	} else {
		n, err = o.w.Write(b)
	}
	if err == nil {
		o.records++
		o.bytes += uint64(n)
	}
	o.mu.Unlock()
	return n, err
}

// writeConcurrent writes b without mu, under inflight's read lock so that Close can wait for
// the Writes in progress before it closes the writer.
func (o *output) writeConcurrent(level slog.Level, b []byte) (n int, err error) {
	o.inflight.RLock()
	defer o.inflight.RUnlock()
	if o.closed.Load() {
		return 0, ErrClosed
	}
	if o.lw != nil {
		n, err = o.lw.WriteLevel(level, b)
	} else {
		n, err = o.w.Write(b)
	}
	if err == nil && o.dc == nil {
		o.mu.Lock()
		o.records++
		o.bytes += uint64(n)
		o.mu.Unlock()
	}
	return n, err
}

// WithAttrs returns a handler whose encoder has as precomputed.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	if e, ok := h.enc.(*structured); ok {
		return e.handlerWithAttrs(h, as) // JSON and Text: never a ContextEncoder
	}
	return h.derive(h.enc.WithAttrs(as))
}

// WithGroup returns a handler that qualifies later attributes with name.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return h.derive(h.enc.WithGroup(name))
}

// Stats returns the counters shared by this handler and all handlers derived from it.
func (h *Handler) Stats() Stats {
	o := h.out
	o.mu.Lock()
	s := Stats{Records: o.records, Bytes: o.bytes}
	o.mu.Unlock()
	if o.dc != nil {
		s.Records, s.Bytes = o.dc.Delivered()
	}
	s.Errors = o.rep.Errors()
	s.Dropped = o.rep.Dropped()
	return s
}

// Sync flushes the writer to stable storage if it is a Syncer (as *os.File is); for other
// writers, network ones included, it does nothing.
func (h *Handler) Sync() error {
	o := h.out
	o.mu.Lock()
	defer o.mu.Unlock()
	if s, ok := o.w.(Syncer); ok && !o.closed.Load() {
		return s.Sync()
	}
	return nil
}

// Close closes the writer if it is an io.Closer (a network writer first delivers what it
// buffers, within its own bound). It is idempotent; later records are dropped with ErrClosed.
// Handlers derived with WithAttrs or WithGroup share the writer and are closed too.
func (h *Handler) Close() error {
	o := h.out
	o.mu.Lock()
	if o.closed.Swap(true) {
		o.mu.Unlock()
		return nil
	}
	// No Write is in progress or can start once closed is set under mu (and, for a concurrent
	// writer, once the Writes holding inflight are done), so the writer is closed without
	// holding mu: Handle calls arriving meanwhile return ErrClosed at once instead of waiting
	// for a network writer to drain.
	o.mu.Unlock()
	if o.concurrent {
		o.inflight.Lock()
		//lint:ignore SA2001 the empty critical section waits for the Writes in progress
		o.inflight.Unlock()
	}
	if c, ok := o.w.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
