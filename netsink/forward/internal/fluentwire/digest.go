package fluentwire

import (
	"crypto/sha512"
	"encoding/hex"
)

// Digest is the handshake's hex(sha512(parts...)), as Forward protocol v1 defines the
// shared-key and password digests of PING and PONG.
func Digest(parts ...[]byte) string {
	h := sha512.New()
	for _, p := range parts {
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}
