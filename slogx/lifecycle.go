package slogx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
)

// A Flusher buffers records and can be told to deliver them. Every handler of this module that
// buffers implements it (Memory, queue, every network handler, a Handler whose writer buffers),
// and every wrapper (Fanout, Failover, Filter, LevelFilter, Memory, queue, Sample,
// ContextAttrs) forwards it to what it wraps, so Flush on the outermost handler of a chain
// flushes every handler behind it.
//
// Flush returns when every record handled before the call has been delivered (or has failed
// and been counted), or when ctx is done, with ctx's error.
type Flusher interface {
	Flush(ctx context.Context) error
}

// The ownership rule of this module: a wrapper owns what it wraps. Closing a wrapper (Fanout,
// Failover, Filter, LevelFilter, Memory, queue, Sample, ContextAttrs) closes every handler it
// was given that is an io.Closer, after flushing, and joins their errors. Close is idempotent
// everywhere.

// Flush flushes h if it is a Flusher and does nothing otherwise. Use it on a handler of
// unknown type, such as the one behind a slog.Logger.
func Flush(ctx context.Context, h slog.Handler) error {
	if f, ok := h.(Flusher); ok {
		return f.Flush(ctx)
	}
	return nil
}

// Close closes h if it is an io.Closer and does nothing otherwise.
func Close(h slog.Handler) error {
	if c, ok := h.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// flushAll flushes every handler of hs that is a Flusher, all of them even when one fails,
// and joins the errors.
func flushAll(ctx context.Context, hs ...slog.Handler) error {
	var errs []error
	for _, h := range hs {
		if err := Flush(ctx, h); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// closeAll closes every handler of hs that is an io.Closer and joins the errors.
func closeAll(hs ...slog.Handler) error {
	var errs []error
	for _, h := range hs {
		if err := Close(h); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Open returns a Handler over the writer that open returns: the extension point for writing
// a handler of one's own (this module's files, rotation and network handlers are built on
// it). open receives the Handler's Reporter before anything else happens, so a writer can
// report failures that do not surface as a Write error — found while opening (a rotation left
// half-done by a crash), or in the background (compression, network delivery) — through
// Options.OnError and into Stats, from its first moment. An error from open is returned as
// is.
//
// The Handler discovers what the writer can do through interfaces: a DeliveryCounter's
// figures are Stats' Records and Bytes; a ConcurrentWriter is written without the Handler's
// lock; a Flusher is flushed by Handler.Flush (it must be safe to call Flush concurrently
// with Write); a Syncer is synced by Handler.Sync; an io.Closer is closed by Handler.Close;
// a LevelWriter is given each record's level.
func Open(opts *Options, open func(rep *Reporter) (io.Writer, error)) (*Handler, error) {
	rep := NewReporter(opts.errorFunc())
	w, err := open(rep)
	if err != nil {
		return nil, err
	}
	return newHandler(w, opts, rep), nil
}

// A DeliveryCounter is a writer that delivers records later (a network writer) and counts
// what it delivered: Handler.Stats reports its figures as Records and Bytes instead of
// counting successful Writes, so a record is counted when it is delivered, never when it was
// merely queued. Delivered must be safe to call concurrently with Write.
type DeliveryCounter interface {
	Delivered() (records, bytes uint64)
}

// A Syncer is a writer that can commit what it wrote to stable storage, as *os.File does;
// Handler.Sync calls it.
type Syncer interface {
	Sync() error
}

// Flush delivers what the writer buffers: the writer's Flush(ctx) when it is a Flusher (a
// network writer waits for its records to be delivered), its Flush() when it has one (a
// *bufio.Writer). Files are written unbuffered; use Sync to force them to stable storage.
func (h *Handler) Flush(ctx context.Context) error {
	o := h.out
	if f, ok := o.w.(Flusher); ok {
		return f.Flush(ctx)
	}
	if f, ok := o.w.(interface{ Flush() error }); ok {
		o.mu.Lock()
		defer o.mu.Unlock()
		if o.closed.Load() {
			return nil
		}
		if err := f.Flush(); err != nil {
			return o.rep.Error(fmt.Errorf("slogx: flush: %w", err))
		}
	}
	return nil
}
