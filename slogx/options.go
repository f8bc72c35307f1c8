package slogx

import "log/slog"

// Options configures any handler of this module. A nil *Options, or a zero field, means the
// default, in the manner of slog.HandlerOptions.
type Options struct {
	// Level is the minimum level handled. Nil means slog.LevelInfo. It is read on every
	// record, so a *slog.LevelVar changes the level of a running handler.
	Level slog.Leveler

	// Encoder turns records into bytes. Nil means JSON().
	Encoder Encoder

	// AddSource adds the source position of the log call ("source" key).
	AddSource bool

	// ReplaceAttr rewrites each non-group attribute before it is encoded, with the same
	// contract as slog.HandlerOptions.ReplaceAttr (built-in keys included).
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr

	// OnError receives every write or delivery error, once, as Python's Handler.handleError
	// does. Nil means a rate-limited report on standard error. Errors are always counted in
	// Stats whatever OnError does. OnError must not log through the same handler.
	OnError func(error)

	// Terminator is written after every record by line-oriented handlers (stream, file,
	// rotating file). Empty means "\n", Python's StreamHandler.terminator.
	Terminator string

	// NoTerminator writes records with no terminator at all (Python's terminator = "").
	NoTerminator bool
}

// minLevel returns the configured minimum level: o.Level, or slog.LevelInfo when unset.
func (o *Options) minLevel() slog.Leveler {
	if o == nil || o.Level == nil {
		return slog.LevelInfo
	}
	return o.Level
}

// EncoderOptions are the parts of Options an Encoder honours. Handlers pass them with
// Encoder.WithOptions once, at construction.
type EncoderOptions struct {
	// AddSource adds the source position of the log call, as Options.AddSource.
	AddSource bool
	// ReplaceAttr rewrites attributes before encoding, as Options.ReplaceAttr.
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr
}

// encoderOptions returns the encoder-relevant part of o (zero for a nil o).
func (o *Options) encoderOptions() EncoderOptions {
	if o == nil {
		return EncoderOptions{}
	}
	return EncoderOptions{AddSource: o.AddSource, ReplaceAttr: o.ReplaceAttr}
}

// buildEncoder returns o's encoder (JSON() when nil) bound to o's AddSource and ReplaceAttr.
func (o *Options) buildEncoder() Encoder {
	e := JSON()
	if o != nil && o.Encoder != nil {
		e = o.Encoder
	}
	return e.WithOptions(o.encoderOptions())
}

// errorFunc returns o.OnError, or nil for a nil o.
func (o *Options) errorFunc() func(error) {
	if o == nil {
		return nil
	}
	return o.OnError
}

// terminator returns the bytes written after each record.
func (o *Options) terminator() string {
	switch {
	case o == nil:
		return "\n"
	case o.NoTerminator:
		return ""
	case o.Terminator == "":
		return "\n"
	}
	return o.Terminator
}

// Stats counts what a handler did. Counters only grow.
type Stats struct {
	Records uint64 // records written (or delivered) successfully
	Bytes   uint64 // bytes written successfully
	Errors  uint64 // failed writes or deliveries
	Dropped uint64 // records discarded on purpose (overflow, too large, closed)
	// Recovered counts records an earlier run left undelivered in a disk spool
	// (netsink.Spool), which this handler sends first; once delivered they count in
	// Records too. Zero for a handler without a spool.
	Recovered uint64
}
