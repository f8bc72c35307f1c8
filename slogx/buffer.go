package slogx

import "sync"

// Buffers larger than this are not returned to the pool, so one huge record does not pin
// memory for the life of the process (the same rule as log/slog's internal buffer).
const maxPooledBuffer = 16 << 10

var bufPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 1024)
	return &b
}}

// GetBuffer returns an empty buffer from the shared pool. Return it with PutBuffer.
// Every package of this module uses this one pool so that buffer sizing rules cannot diverge.
func GetBuffer() *[]byte {
	return bufPool.Get().(*[]byte)
}

// PutBuffer returns b to the pool unless it grew too large.
func PutBuffer(b *[]byte) {
	if cap(*b) > maxPooledBuffer {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}
