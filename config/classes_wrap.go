package config

import (
	"context"
	"log/slog"
	"math"

	"github.com/slogx/handlers/queue"
	"github.com/slogx/handlers/slogx"
)

// memoryHandler is logging.handlers.MemoryHandler(capacity, flushLevel=ERROR, target=None,
// flushOnClose=True); target names another handler.
func memoryHandler(c *hctx) opener {
	capacity := c.Int("capacity", 0)
	if !c.Has("capacity") || capacity < 1 || capacity > maxCapacity {
		c.Errorf("capacity", "want an integer from 1 to %d (records held in memory)", maxCapacity)
	}
	o := slogx.MemoryOptions{Capacity: capacity, FlushLevel: c.Level("flushLevel", slog.LevelError),
		Level: c.opts.Level, NoFlushOnClose: !c.Bool("flushOnClose", true)}
	var target slog.Handler
	if name := c.String("target", ""); c.Has("target") {
		target = c.borrow("target", name)
	}
	return func() (slog.Handler, error) { return slogx.Memory(target, o), nil }
}

// queueHandler is logging.handlers.QueueHandler with Python 3.12's dictConfig keys: the
// records go, through one listener goroutine, to the handlers named in handlers. The queue
// holds queue.DefaultCapacity records and blocks when full (Python's queue.Queue() is
// unbounded); use slogx.queue.Queue to choose. Handler levels are always respected
// (Python's respect_handler_level=True).
func queueHandler(c *hctx) opener {
	switch q, _ := c.Value("queue"); q {
	case nil, "ext://queue.Queue", "ext://queue.SimpleQueue":
	default:
		c.Errorf("queue", "want ext://queue.Queue (a bounded slogx queue), got %s", describe(q))
	}
	switch l, _ := c.Value("listener"); l {
	case nil, "ext://logging.handlers.QueueListener":
	default:
		c.Errorf("listener", "want ext://logging.handlers.QueueListener, got %s", describe(l))
	}
	if !c.Bool("respect_handler_level", true) {
		c.Errorf("respect_handler_level", "slogx queues always respect handler levels")
	}
	return c.queue(queue.Options{})
}

// slogxQueue is slogx.queue.Queue: handlers, capacity and overflow (block, drop-newest,
// drop-oldest).
func slogxQueue(c *hctx) opener {
	o := queue.Options{Capacity: c.nonNegative("capacity", maxCapacity)}
	switch c.OneOf("overflow", "block", "block", "drop-newest", "drop-oldest") {
	case "drop-newest":
		o.Overflow = queue.DropNewest
	case "drop-oldest":
		o.Overflow = queue.DropOldest
	}
	return c.queue(o)
}

// queue reads the handlers list and opens a queue over their Fanout.
func (c *hctx) queue(o queue.Options) opener {
	names := c.Strings("handlers")
	if len(names) == 0 && c.err == nil {
		c.Errorf("handlers", "want a non-empty list of handler names")
	}
	targets := make([]slog.Handler, 0, len(names))
	for i, n := range names {
		targets = append(targets, c.borrow("handlers["+itoa(i)+"]", n))
	}
	level := c.opts.Level
	return func() (slog.Handler, error) {
		// The level is a LevelVar Apply may change: the filter stays even at NOTSET.
		return slogx.LevelFilter(queue.New(slogx.Fanout(targets...), o), level), nil
	}
}

// borrow resolves a handler reference for a wrapper that must not close it: the Logging
// owns every handler and closes each once, wrappers before what they wrap.
func (c *hctx) borrow(key, name string) slog.Handler {
	h := c.handler(key, name)
	if h == nil {
		return nil
	}
	return borrowed{h}
}

// borrowed forwards everything but Close to h.
type borrowed struct{ h slog.Handler }

func (b borrowed) Enabled(ctx context.Context, l slog.Level) bool  { return b.h.Enabled(ctx, l) }
func (b borrowed) Handle(ctx context.Context, r slog.Record) error { return b.h.Handle(ctx, r) }
func (b borrowed) WithAttrs(as []slog.Attr) slog.Handler           { return borrowed{b.h.WithAttrs(as)} }
func (b borrowed) WithGroup(name string) slog.Handler              { return borrowed{b.h.WithGroup(name)} }
func (b borrowed) Flush(ctx context.Context) error                 { return slogx.Flush(ctx, b.h) }

// slogxSample is slogx.Sample: the records of target sampled as zap samples them — per
// level band and message, the first First of each Tick, then every Thereafter-th. Keys:
// target (a handler name), tick (seconds), first, thereafter.
func slogxSample(c *hctx) opener {
	target := c.borrow("target", c.RequiredString("target"))
	o := slogx.SampleOptions{Tick: c.Seconds("tick", 0), First: c.nonNegative("first", math.MaxInt32),
		Thereafter: c.nonNegative("thereafter", math.MaxInt32)}
	level := c.opts.Level
	return func() (slog.Handler, error) {
		return slogx.LevelFilter(slogx.Sample(target, o), level), nil
	}
}
