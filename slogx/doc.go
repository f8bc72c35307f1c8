// Package slogx is the core of slogx: one [Handler] shape for every sink, the shared encoders
// ([JSON], [Text], [Pattern]) and the middleware that composes handlers ([Fanout], [Filter],
// [LevelFilter], [Memory]).
//
// Every handler in this module is a level, an [Encoder] and a writer:
//
//	slog.Record --> Handler --(Encoder)--> []byte --(one Write per record)--> sink
//
// This mirrors Python's logging.Handler (a level, a Formatter and an emit) while keeping the hot
// path allocation-free: encoders precompute the attributes and groups added with WithAttrs and
// WithGroup once, and Handle only appends the record's own attributes into a pooled buffer.
package slogx
