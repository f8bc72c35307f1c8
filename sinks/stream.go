package sinks

import (
	"fmt"
	"io"

	"github.com/slogx/handlers/slogx"
)

// NewStream returns a handler writing each record, followed by opts.Terminator ("\n" by
// default), to w in a single Write call: Python's StreamHandler. Records from concurrent
// goroutines never interleave. Close does not close w (Python's StreamHandler leaves its stream
// open too); Sync calls w.Sync when w has one (an *os.File), which is Python's flush.
func NewStream(w io.Writer, opts *slogx.Options) *slogx.Handler {
	return slogx.NewHandler(unclosable{w}, opts)
}

// unclosable hides w's Close so that closing the handler never closes os.Stdout.
type unclosable struct{ w io.Writer }

func (u unclosable) Write(p []byte) (int, error) {
	n, err := u.w.Write(p)
	if err != nil {
		return n, fmt.Errorf("sinks: write stream: %w", err)
	}
	return n, nil
}

// Unwrap returns w, so that an encoder deciding by its writer (Console's ColorAuto) sees
// the terminal behind this wrapper.
func (u unclosable) Unwrap() io.Writer { return u.w }

func (u unclosable) Sync() error {
	if s, ok := u.w.(interface{ Sync() error }); ok {
		return s.Sync()
	}
	return nil
}
