// Package queue is Python's QueueHandler and QueueListener in one value: a [Handler] that
// accepts records into a bounded queue and returns at once, and one listener goroutine that
// hands them, in order, to a target slog.Handler.
//
// Logging then costs the caller a record copy and a short critical section, whatever the
// target does (a slow disk, a socket that is reconnecting, an SMTP server). What happens when
// the queue is full is a choice ([Overflow]): wait for room (the default, bounded by the
// caller's context), drop the new record, or drop the oldest waiting one. Every drop is
// counted in [Handler.Stats] and reported through Options.OnError at a bounded rate; nothing
// is dropped silently, and nothing accepted is lost on [Handler.Close].
package queue
