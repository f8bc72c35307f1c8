package forward

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// fwdServer is a Forward protocol v1 server for the tests, written from the spec: it decodes
// PackedForward and CompressedPackedForward messages, acknowledges chunks, and runs the
// shared-key handshake. Its knobs make it misbehave the ways a real server can.
type fwdServer struct {
	t  testing.TB
	l  net.Listener
	wg sync.WaitGroup

	sharedKey   string // run the handshake with this key
	hostname    string
	badDigest   bool // answer PONG with a digest made from another key
	userSalt    bool // ask for user authentication in HELO
	users       map[string]string
	noAck       bool
	dropUnacked int // close the first connections after reading a message, without acking (count)
	garbageAcks int // answer the first messages with something that is not an ack (count)
	// reply, when it returns bytes, is written instead of the ack of message n (from 1,
	// counted across connections): a hostile server's reply.
	reply func(n int, chunk string) []byte

	mu      sync.Mutex
	entries []fwdEntry
	msgs    []fwdMsg
	nmsgs   int
	conns   int
	changed chan struct{}
	open    []net.Conn
}

type fwdEntry struct {
	Tag  string
	Time time.Time
	Rec  map[string]any
}

type fwdMsg struct {
	Tag        string
	Size       int
	Chunk      string
	Compressed string
	Entries    int
}

func newFwdServer(t testing.TB, l net.Listener) *fwdServer {
	s := &fwdServer{t: t, l: l, hostname: "fwd-test-server", changed: make(chan struct{})}
	t.Cleanup(s.close)
	return s
}

func (s *fwdServer) start() *fwdServer {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := s.l.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns++
			n := s.conns
			s.open = append(s.open, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				if err := s.serve(c, n); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
					s.t.Logf("fwd server conn %d: %v", n, err)
				}
			}()
		}
	}()
	return s
}

func (s *fwdServer) close() {
	s.l.Close()
	s.mu.Lock()
	for _, c := range s.open {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *fwdServer) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitEntries waits until at least n entries arrived and returns them.
func (s *fwdServer) waitEntries(t testing.TB, n int) []fwdEntry {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		s.mu.Lock()
		got, ch := len(s.entries), s.changed
		if got >= n {
			es := append([]fwdEntry(nil), s.entries...)
			s.mu.Unlock()
			return es
		}
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("got %d entries, want %d", got, n)
		}
	}
}

func (s *fwdServer) messages() []fwdMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]fwdMsg(nil), s.msgs...)
}

func (s *fwdServer) serve(c net.Conn, n int) error {
	d := msgpack.NewDecoder(c)
	if s.sharedKey != "" {
		if err := s.handshake(c, d); err != nil {
			return err
		}
	}
	for {
		m, es, err := fwdDecodeMessage(d)
		if err != nil {
			return err
		}
		s.mu.Lock()
		drop := s.dropUnacked > 0
		if drop {
			s.dropUnacked--
		} else {
			s.entries = append(s.entries, es...)
			s.msgs = append(s.msgs, m)
			s.notify()
		}
		s.mu.Unlock()
		if drop {
			return nil // as if the server died after reading, before acknowledging
		}
		s.mu.Lock()
		garbage := s.garbageAcks > 0
		if garbage {
			s.garbageAcks--
		}
		s.nmsgs++
		nmsg := s.nmsgs
		s.mu.Unlock()
		if s.reply != nil {
			if b := s.reply(nmsg, m.Chunk); b != nil {
				if _, err := c.Write(b); err != nil {
					return err
				}
				continue
			}
		}
		if garbage {
			b, _ := msgpack.Marshal([]string{"not", "an", "ack"})
			if _, err := c.Write(b); err != nil {
				return err
			}
			continue
		}
		if m.Chunk != "" && !s.noAck {
			b, _ := msgpack.Marshal(map[string]string{"ack": m.Chunk})
			if _, err := c.Write(b); err != nil {
				return err
			}
		}
	}
}

func (s *fwdServer) handshake(c net.Conn, d *msgpack.Decoder) error {
	nonce := make([]byte, 16)
	rand.Read(nonce)
	var salt []byte
	if s.userSalt {
		salt = []byte("user-salt")
	}
	helo, _ := msgpack.Marshal([]any{"HELO", map[string]any{"nonce": nonce, "auth": salt, "keepalive": true}})
	if _, err := c.Write(helo); err != nil {
		return err
	}
	var ping []string
	if err := d.Decode(&ping); err != nil {
		return fmt.Errorf("PING: %w", err)
	}
	if len(ping) != 6 || ping[0] != "PING" {
		return fmt.Errorf("PING: %q", ping)
	}
	hostname, csalt, digest, user, userDigest := ping[1], ping[2], ping[3], ping[4], ping[5]
	ok, reason := true, ""
	if digest != forwardDigest([]byte(csalt), []byte(hostname), nonce, []byte(s.sharedKey)) {
		ok, reason = false, "shared_key mismatch"
	} else if s.userSalt {
		pw, known := s.users[user]
		if !known || userDigest != forwardDigest(salt, []byte(user), []byte(pw)) {
			ok, reason = false, "username/password mismatch"
		}
	}
	key := s.sharedKey
	if s.badDigest {
		key = "not-" + key
	}
	pong, _ := msgpack.Marshal([]any{"PONG", ok, reason, s.hostname, forwardDigest([]byte(csalt), []byte(s.hostname), nonce, []byte(key))})
	if _, err := c.Write(pong); err != nil {
		return err
	}
	if !ok {
		return errors.New("handshake failed: " + reason)
	}
	return nil
}

// fwdDecodeMessage decodes one PackedForward or CompressedPackedForward message.
func fwdDecodeMessage(d *msgpack.Decoder) (fwdMsg, []fwdEntry, error) {
	var m fwdMsg
	n, err := d.DecodeArrayLen()
	if err != nil {
		return m, nil, err
	}
	if n != 3 {
		return m, nil, fmt.Errorf("message of %d elements, want 3 (PackedForward)", n)
	}
	if m.Tag, err = d.DecodeString(); err != nil {
		return m, nil, err
	}
	raw, err := d.DecodeBytes()
	if err != nil {
		return m, nil, err
	}
	var opt map[string]any
	if err := d.Decode(&opt); err != nil {
		return m, nil, err
	}
	m.Chunk, _ = opt["chunk"].(string)
	m.Compressed, _ = opt["compressed"].(string)
	m.Size = fwdInt(opt["size"])
	if m.Compressed == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return m, nil, err
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return m, nil, err
		}
	}
	ed := msgpack.NewDecoder(bytes.NewReader(raw))
	var es []fwdEntry
	for {
		e, err := fwdDecodeEntry(ed)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, nil, err
		}
		e.Tag = m.Tag
		es = append(es, e)
	}
	m.Entries = len(es)
	return m, es, nil
}

// fwdDecodeEntry decodes [EventTime, record].
func fwdDecodeEntry(d *msgpack.Decoder) (fwdEntry, error) {
	var e fwdEntry
	n, err := d.DecodeArrayLen()
	if err != nil {
		return e, err
	}
	if n != 2 {
		return e, fmt.Errorf("entry of %d elements", n)
	}
	typ, l, err := d.DecodeExtHeader()
	if err != nil {
		return e, fmt.Errorf("EventTime: %w", err)
	}
	if typ != 0 || l != 8 {
		return e, fmt.Errorf("EventTime: ext type %d of %d bytes", typ, l)
	}
	var b [8]byte
	if err := d.ReadFull(b[:]); err != nil {
		return e, err
	}
	if sec, ns := binary.BigEndian.Uint32(b[:]), binary.BigEndian.Uint32(b[4:]); sec != 0 || ns != 0 {
		e.Time = time.Unix(int64(sec), int64(ns))
	}
	if err := d.Decode(&e.Rec); err != nil {
		return e, err
	}
	return e, nil
}

func fwdInt(v any) int {
	switch n := v.(type) {
	case int8:
		return int(n)
	case int16:
		return int(n)
	case int32:
		return int(n)
	case int64:
		return int(n)
	case uint8:
		return int(n)
	case uint16:
		return int(n)
	case uint32:
		return int(n)
	case uint64:
		return int(n)
	}
	return -1
}
