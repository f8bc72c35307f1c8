package slogx

import "log/slog"

// An Encoder turns a record into bytes. Encoders are immutable values, safe for concurrent use:
// WithAttrs, WithGroup and WithOptions return new encoders and leave the receiver unchanged.
//
// Append must append exactly one record, without a terminator: framing (newline, length prefix,
// octet count) belongs to the writer side, so one encoder can serve a file and a socket.
type Encoder interface {
	// Append appends the encoding of r, with the attributes and groups the encoder was
	// derived with, to dst and returns the extended slice.
	Append(dst []byte, r slog.Record) []byte

	// WithAttrs returns an encoder that also encodes as (precomputed once).
	WithAttrs(as []slog.Attr) Encoder

	// WithGroup returns an encoder that qualifies later attributes with name.
	// An empty name returns the receiver.
	WithGroup(name string) Encoder

	// WithOptions returns an encoder honouring AddSource and ReplaceAttr. Handlers call it
	// once at construction, before any WithAttrs or WithGroup.
	WithOptions(o EncoderOptions) Encoder
}
