// Package slogx is the core of slogx: one [Handler] shape for every sink, the shared encoders
// ([JSON], [Text], [Pattern], [Console]), the lifecycle every handler follows ([Flusher],
// [Flush], [Close]) and the middleware that composes handlers ([Fanout], [Failover], [Filter],
// [LevelFilter], [Memory], [Sample], [ContextAttrs], [LevelHandler]).
//
// Every handler in this module is a level, an [Encoder] and a writer:
//
//	slog.Record --> Handler --(Encoder)--> []byte --(one Write per record)--> writer --> sink
//	                                                                          `--> delivery engine --> transport
//
// This mirrors Python's logging.Handler (a level, a Formatter and an emit) while keeping the hot
// path allocation-free: encoders precompute the attributes and groups added with WithAttrs and
// WithGroup once, and Handle only appends the record's own attributes into a pooled buffer.
// Packages sinks, rotate and netsink build their handlers with [NewHandler] or [Open] (which
// hands the writer the handler's [Reporter] before anything can fail); network handlers use a
// delivery engine as their writer, so they block, overflow ([Overflow]) and count ([Stats])
// the same way.
//
// Counters mean one thing everywhere: Records are records delivered (written, acknowledged,
// answered), Dropped are records discarded on purpose with a cause, Errors are failures.
// Wrappers own what they wrap: Flush and Close on the outermost handler of a chain reach every
// handler behind it.
package slogx
