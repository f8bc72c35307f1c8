package forwardtest

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/slogx/handlers/netsink/forward/internal/fluentwire"
)

// maxHandshake bounds a PING: a host name, a salt, two 128-byte digests and a user name.
const maxHandshake = 16 << 10

// handshake runs the server's side of Forward v1's shared-key handshake: HELO with a fresh
// nonce (and a salt when Users is set), the client's PING checked, PONG proving ProveKey.
func (s *Server) handshake(c net.Conn, d *fluentwire.Reader) error {
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	var salt []byte
	if s.o.Users != nil {
		salt = make([]byte, 16)
		_, _ = rand.Read(salt)
	}
	helo, _ := msgpack.Marshal([]any{"HELO", map[string]any{"nonce": nonce, "auth": salt, "keepalive": true}})
	if _, err := c.Write(helo); err != nil {
		return fmt.Errorf("HELO: %w", err)
	}
	ping, err := readPing(d)
	if err != nil {
		return fmt.Errorf("PING: %w", err)
	}
	hostname, csalt, digest, user, userDigest := ping[0], ping[1], ping[2], ping[3], ping[4]
	ok, reason := true, ""
	if digest != fluentwire.Digest([]byte(csalt), []byte(hostname), nonce, []byte(s.o.SharedKey)) {
		ok, reason = false, "shared_key mismatch"
	} else if s.o.Users != nil {
		pw, known := s.o.Users[user]
		if !known || userDigest != fluentwire.Digest(salt, []byte(user), []byte(pw)) {
			ok, reason = false, "username/password mismatch"
		}
	}
	proof := fluentwire.Digest([]byte(csalt), []byte(s.o.Hostname), nonce, []byte(s.o.ProveKey))
	pong, _ := msgpack.Marshal([]any{"PONG", ok, reason, s.o.Hostname, proof})
	if _, err := c.Write(pong); err != nil {
		return fmt.Errorf("PONG: %w", err)
	}
	if !ok {
		return errors.New("handshake refused: " + reason)
	}
	return nil
}

// readPing reads ["PING", hostname, salt, digest, username, user digest] and returns the
// five strings after "PING".
func readPing(d *fluentwire.Reader) ([5]string, error) {
	var p [5]string
	d.Begin(maxHandshake)
	n, err := d.ArrayLen()
	if err != nil {
		return p, err
	}
	if n != 6 {
		return p, fmt.Errorf("array of %d elements, want 6", n)
	}
	if typ, err := d.Str(); err != nil || typ != "PING" {
		return p, fmt.Errorf("got %.16q (%v), want PING", typ, err)
	}
	for i := range p {
		if p[i], err = d.Str(); err != nil {
			return p, err
		}
	}
	return p, nil
}
