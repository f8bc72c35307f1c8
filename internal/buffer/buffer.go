// Package buffer is the one pool of encoding buffers of this module, so that the sizing rule
// (as log/slog's internal/buffer: huge buffers are not kept) cannot diverge between packages.
package buffer

import "sync"

// MaxPooled bounds what is returned to a pool, so one huge record does not pin memory for the
// life of the process. Other pools of encoding state use the same bound.
const MaxPooled = 16 << 10

var pool = sync.Pool{New: func() any {
	b := make([]byte, 0, 1024)
	return &b
}}

// Get returns an empty buffer from the pool. Return it with Put.
func Get() *[]byte {
	return pool.Get().(*[]byte)
}

// Put returns b to the pool unless it grew too large.
func Put(b *[]byte) {
	if cap(*b) > MaxPooled {
		return
	}
	*b = (*b)[:0]
	pool.Put(b)
}
