package forward

import (
	"bufio"

	"github.com/slogx/handlers/netsink/forward/internal/fluentwire"
)

// What a Forward server sends back (HELO, PONG, acks) is read by a fluentwire.Reader, bounded
// in bytes and nesting, not by a general msgpack decoder: the server is a peer the
// application trusts with its logs, not with its memory or its stack.

// Limits of one reply. An ack is {"ack": chunk id}, some 30 bytes; a HELO a nonce, a salt
// and a flag; a PONG a reason, a host name and a 128-byte digest.
const (
	forwardMaxAckBytes       = 1 << 10
	forwardMaxHandshakeBytes = 16 << 10
	// forwardMaxDepth bounds the nesting of an unknown field a reply may carry.
	forwardMaxDepth = 16
)

// replyDec decodes the msgpack forms of one reply at a time.
type replyDec = fluentwire.Reader

func newReplyDec(r *bufio.Reader) *replyDec { return fluentwire.NewReader(r, "reply", forwardMaxDepth) }
