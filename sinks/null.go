package sinks

import (
	"io"
	"log/slog"
	"math"

	"github.com/slogx/handlers/slogx"
)

// Null returns Python's NullHandler: a handler that does nothing. Enabled is false for every
// level (the level is math.MaxInt, above any a program logs at), so a slog.Logger over it does
// not even build the record, and With and WithGroup precompute nothing: a library can log
// unconditionally at zero cost until the application installs a real handler. It is a
// slogx.Handler over io.Discard, like every handler of this package.
func Null() slog.Handler {
	return slogx.NewHandler(io.Discard, &slogx.Options{Level: slog.Level(math.MaxInt), Encoder: nullEncoder{}})
}

// nullEncoder encodes nothing, so deriving a Null handler costs an allocation, not an encoding.
type nullEncoder struct{}

func (nullEncoder) Append(dst []byte, _ slog.Record) []byte          { return dst }
func (e nullEncoder) WithAttrs([]slog.Attr) slogx.Encoder            { return e }
func (e nullEncoder) WithGroup(string) slogx.Encoder                 { return e }
func (e nullEncoder) WithOptions(slogx.EncoderOptions) slogx.Encoder { return e }
