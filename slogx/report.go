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
// Reporter so that counting and rate limiting behave the same everywhere.
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

// NewReporter returns a Reporter that calls onError (nil: rate-limited standard error).
func NewReporter(onError func(error)) *Reporter {
	return &Reporter{onError: onError, out: os.Stderr, now: time.Now}
}

// Error counts err as a failed write or delivery and reports it.
func (r *Reporter) Error(err error) {
	r.errors.Add(1)
	r.report(err)
}

// Drop counts n records discarded on purpose and reports err, which says why.
func (r *Reporter) Drop(n uint64, err error) {
	r.dropped.Add(n)
	r.report(err)
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
