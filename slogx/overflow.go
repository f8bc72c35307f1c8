package slogx

import "fmt"

// ErrBufferFull is the one "no room" error of this module: a queue, a network handler's send
// buffer or a memory buffer was full and a record was dropped for it. It is wrapped with the
// handler's context; errors.Is(err, ErrBufferFull) tells it apart, and since it wraps
// ErrDropped it is counted in Stats().Dropped, never in Errors.
var ErrBufferFull error = bufferFull{}

type bufferFull struct{}

func (bufferFull) Error() string        { return "slogx: buffer full" }
func (bufferFull) Is(target error) bool { return target == ErrDropped }

// Overflow says what a handler with a bounded buffer (queue, every network handler) does with a
// record that finds the buffer full. Every such handler takes this one type.
type Overflow int

const (
	// Block makes the log call wait for room, up to the bound the handler's options give
	// (a context for queue, EnqueueTimeout for network handlers); past it, the record is
	// dropped as with DropNewest. A zero bound on a network handler means no wait at all, so
	// no log call ever waits on the network unless the user asked for it.
	Block Overflow = iota

	// DropNewest drops the record being logged and keeps the buffered ones. It never waits.
	DropNewest

	// DropOldest drops the oldest buffered records to make room, so the buffer holds the
	// most recent ones. It never waits.
	DropOldest
)

// String returns the policy's name ("block", "drop-newest", "drop-oldest").
func (o Overflow) String() string {
	switch o {
	case Block:
		return "block"
	case DropNewest:
		return "drop-newest"
	case DropOldest:
		return "drop-oldest"
	}
	return fmt.Sprintf("Overflow(%d)", int(o))
}

// Valid reports whether o is one of the defined policies.
func (o Overflow) Valid() bool { return o >= Block && o <= DropOldest }
