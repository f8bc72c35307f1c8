package slogx

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Reporter counts failures and reports each one, like Python's Handler.handleError, without
// ever panicking into the application. Every handler of this module reports through one
// Reporter so that counting and rate limiting behave the same everywhere; a handler of one's
// own gets its Handler's Reporter from Open (see ExampleOpen).
//
// Errors are printed as they are: every error of this module carries its package and the
// resource in its text ("sinks: write app.log: ..."). With a nil OnError, reports go to standard error at most once per second; the errors in
// between are counted and their number is printed with the next report.
type Reporter struct {
	onError func(error)

	errors  atomic.Uint64
	dropped atomic.Uint64

	mu         sync.Mutex
	last       time.Time
	suppressed uint64
	out        io.Writer // standard error unless a test swaps it
	now        func() time.Time
}

// NewReporter returns a Reporter that calls onError (nil: rate-limited standard error), for
// a component that reports failures without a Handler of its own (a handler built with
// Open gets its Handler's).
func NewReporter(onError func(error)) *Reporter {
	return &Reporter{onError: onError, out: os.Stderr, now: time.Now}
}

// Error counts err as a failed write or delivery and reports it, unless another Reporter
// already did: a handler's Handle returns errors marked as reported, so middleware in front of it
// (queue, Fanout, Memory) counts the failure without reporting it a second time. It returns err
// marked as reported, for the caller to return.
func (r *Reporter) Error(err error) error {
	r.errors.Add(1)
	return r.reportOnce(err)
}

// Drop counts n records discarded on purpose and reports err, which says why, with the same
// once-only rule as Error. It returns err marked as reported.
func (r *Reporter) Drop(n uint64, err error) error {
	r.dropped.Add(n)
	return r.reportOnce(err)
}

func (r *Reporter) reportOnce(err error) error {
	if IsReported(err) {
		return err
	}
	r.report(err)
	return reportedError{err}
}

// reportedError marks an error that has been reported; it unwraps to the original, so
// errors.Is and errors.As see through it.
type reportedError struct{ err error }

func (e reportedError) Error() string { return e.err.Error() }
func (e reportedError) Unwrap() error { return e.err }

// IsReported reports whether err, or an error it wraps, was already reported by a Reporter
// (a joined error counts as reported when every part was).
func IsReported(err error) bool {
	switch e := err.(type) {
	case nil:
		return false
	case reportedError:
		return true
	case interface{ Unwrap() error }:
		return IsReported(e.Unwrap())
	case interface{ Unwrap() []error }:
		errs := e.Unwrap()
		for _, x := range errs {
			if !IsReported(x) {
				return false
			}
		}
		return len(errs) > 0
	}
	return false
}

// Errors returns how many errors were counted.
func (r *Reporter) Errors() uint64 { return r.errors.Load() }

// Dropped returns how many records were counted as dropped.
func (r *Reporter) Dropped() uint64 { return r.dropped.Load() }

func (r *Reporter) report(err error) {
	if r.onError != nil {
		r.onError(err)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if !r.last.IsZero() && now.Sub(r.last) < time.Second {
		r.suppressed++
		return
	}
	r.last = now
	if r.suppressed > 0 {
		fmt.Fprintf(r.out, "%v (%d earlier errors not shown)\n", err, r.suppressed)
		r.suppressed = 0
		return
	}
	fmt.Fprintf(r.out, "%v\n", err)
}
