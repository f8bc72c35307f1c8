package slogx

import (
	"context"
	"io"
	"log/slog"
)

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

// A ContextEncoder is an Encoder that also reads the context of the log call: the OTLP
// encoder takes the trace and span ids of the active span from it. Handler calls
// AppendContext, with the ctx Handle received, instead of Append. Encoders derived from it
// through WithAttrs, WithGroup and WithOptions should be ContextEncoders too.
type ContextEncoder interface {
	Encoder
	// AppendContext is Append with the context Handle received.
	AppendContext(ctx context.Context, dst []byte, r slog.Record) []byte
}

// writerEncoder is an Encoder that adapts to the writer of its Handler: Console with
// ColorAuto colors only a terminal. The Handler calls withWriter once, at construction,
// after WithOptions and before any WithAttrs or WithGroup, with the writer it was given.
type writerEncoder interface {
	withWriter(w io.Writer) Encoder
}
