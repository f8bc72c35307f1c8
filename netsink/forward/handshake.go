package forward

import (
	"bytes"
	"crypto/rand"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/vmihailenco/msgpack/v5"
)

// The shared-key handshake of Forward protocol v1 ("Handshake Messages"): the server opens
// with HELO (a nonce, and a salt when it also wants a user name and password), the client
// answers PING with its hostname, a fresh salt and SHA-512 digests proving it knows the key,
// and the server answers PONG, accepting or not, with its own digest proving it knows the
// key too. Only then may the client send events.

// forwardMaxFields bounds the maps and arrays of handshake and ack messages: a few fields
// each. A peer sending more is not a Forward server.
const forwardMaxFields = 16

// forwardHelo is a server's HELO.
type forwardHelo struct {
	nonce     []byte
	auth      []byte // salt for user authentication; empty when the server wants none
	keepalive bool
}

// forwardReadHelo decodes ["HELO", {"nonce": ..., "auth": ..., "keepalive": bool}].
func forwardReadHelo(d *replyDec) (forwardHelo, error) {
	var h forwardHelo
	d.begin(forwardMaxHandshakeBytes)
	if err := forwardReadHead(d, "HELO", 2); err != nil {
		return h, err
	}
	n, err := d.mapLen()
	if err != nil {
		return h, fmt.Errorf("HELO options: %w", err)
	}
	if n < 0 || n > forwardMaxFields {
		return h, fmt.Errorf("HELO options: %d fields", n)
	}
	h.keepalive = true // the spec's default
	for range n {
		k, err := d.str()
		if err != nil {
			return h, fmt.Errorf("HELO options: %w", err)
		}
		switch k {
		case "nonce":
			h.nonce, err = d.raw()
		case "auth":
			h.auth, err = d.raw()
		case "keepalive":
			h.keepalive, err = d.boolean()
		default:
			err = d.skip(1)
		}
		if err != nil {
			return h, fmt.Errorf("HELO %q: %w", k, err)
		}
	}
	if len(h.nonce) == 0 {
		return h, errors.New("HELO without a nonce")
	}
	return h, nil
}

// forwardPong is a server's PONG.
type forwardPong struct {
	ok       bool
	reason   string
	hostname string
	digest   string // hex SHA-512 of salt, server hostname, nonce and shared key
}

// forwardReadPong decodes ["PONG", auth_result, reason, server_hostname, digest].
func forwardReadPong(d *replyDec) (forwardPong, error) {
	var p forwardPong
	d.begin(forwardMaxHandshakeBytes)
	if err := forwardReadHead(d, "PONG", 5); err != nil {
		return p, err
	}
	var err error
	if p.ok, err = d.boolean(); err != nil {
		return p, fmt.Errorf("PONG auth_result: %w", err)
	}
	if p.reason, err = d.str(); err != nil {
		return p, fmt.Errorf("PONG reason: %w", err)
	}
	if p.hostname, err = d.str(); err != nil {
		return p, fmt.Errorf("PONG hostname: %w", err)
	}
	if p.digest, err = d.str(); err != nil {
		return p, fmt.Errorf("PONG digest: %w", err)
	}
	return p, nil
}

// forwardReadHead reads an array of n elements whose first is the string typ.
func forwardReadHead(d *replyDec, typ string, n int) error {
	l, err := d.arrayLen()
	if err != nil {
		return fmt.Errorf("reading %s: %w", typ, err)
	}
	if l != n {
		return fmt.Errorf("%s: array of %d elements, want %d", typ, l, n)
	}
	s, err := d.str()
	if err != nil {
		return fmt.Errorf("reading %s: %w", typ, err)
	}
	if s != typ {
		return fmt.Errorf("got %.16q, want %s", s, typ)
	}
	return nil
}

// forwardDigest is the spec's hex(sha512(parts...)).
func forwardDigest(parts ...[]byte) string {
	h := sha512.New()
	for _, p := range parts {
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// forwardCredentials are what the client proves it knows.
type forwardCredentials struct {
	hostname, sharedKey, username, password string
}

// forwardPing returns the PING answering h, and the salt the PONG's digest must use.
func forwardPing(c forwardCredentials, h forwardHelo) ([]byte, []byte, error) {
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return nil, nil, err
	}
	// Hex, not raw bytes: a server decoding the salt as a UTF-8 string (msgpack str) would
	// otherwise digest other bytes than we did.
	salt := []byte(hex.EncodeToString(raw))
	userDigest := ""
	if len(h.auth) > 0 {
		userDigest = forwardDigest(h.auth, []byte(c.username), []byte(c.password))
	}
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	_ = enc.EncodeArrayLen(6)
	_ = enc.EncodeString("PING")
	_ = enc.EncodeString(c.hostname)
	_ = enc.EncodeString(string(salt))
	_ = enc.EncodeString(forwardDigest(salt, []byte(c.hostname), h.nonce, []byte(c.sharedKey)))
	_ = enc.EncodeString(c.username)
	_ = enc.EncodeString(userDigest)
	return buf.Bytes(), salt, nil
}

// forwardHandshake runs the handshake on a connection just made: rw is the connection,
// d decodes what it reads.
func forwardHandshake(rw io.Writer, d *replyDec, c forwardCredentials) error {
	h, err := forwardReadHelo(d)
	if err != nil {
		return fmt.Errorf("handshake (shared key is set, so the server must open with HELO): %w", err)
	}
	if len(h.auth) > 0 && c.username == "" {
		return errors.New("handshake: the server asks for a user name and password, and none is set")
	}
	ping, salt, err := forwardPing(c, h)
	if err != nil {
		return fmt.Errorf("handshake: %w", err)
	}
	if _, err := rw.Write(ping); err != nil {
		return fmt.Errorf("handshake: sending PING: %w", err)
	}
	p, err := forwardReadPong(d)
	if err != nil {
		return fmt.Errorf("handshake: %w (a server that rejects the shared key may close the connection)", err)
	}
	if !p.ok {
		return fmt.Errorf("handshake: the server rejected the shared key or credentials: %q", p.reason)
	}
	want := forwardDigest(salt, []byte(p.hostname), h.nonce, []byte(c.sharedKey))
	if subtle.ConstantTimeCompare([]byte(want), []byte(p.digest)) != 1 {
		return fmt.Errorf("handshake: server %q does not prove the same shared key (digest mismatch)", p.hostname)
	}
	return nil
}
