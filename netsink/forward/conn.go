package forward

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/vmihailenco/msgpack/v5/msgpcode"

	"github.com/slogx/handlers/netsink/internal/deliver"
)

// forwardTransport connects a Forward to its server; the engine calls it from its sender
// goroutine only.
type forwardTransport struct {
	network, addr string // "tcp" and host:port, or "unix" and a path
	tlsConf       *tls.Config
	o             *Options
	creds         forwardCredentials
	tag           []byte // msgpack string, encoded once
}

func (t *forwardTransport) Connect(ctx context.Context) (deliver.Conn, error) {
	dt := t.o.DialTimeout
	if dt <= 0 {
		dt = DefaultDialTimeout
	}
	d := &net.Dialer{Timeout: dt}
	c, err := d.DialContext(ctx, t.network, t.addr)
	if err != nil {
		return nil, err
	}
	// Close gives up by cancelling ctx: a TLS or shared-key handshake with a server that
	// answers slowly or never, or a write stuck on a peer that stopped reading, ends then.
	unwatch := context.AfterFunc(ctx, func() { c.Close() })
	fail := func(err error) (deliver.Conn, error) {
		unwatch()
		c.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w (closing)", err)
		}
		return nil, err
	}
	if t.tlsConf != nil {
		tc := tls.Client(c, t.tlsConf)
		hctx, cancel := context.WithTimeout(ctx, dt)
		err = tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			return fail(fmt.Errorf("tls: %w", err))
		}
		c = tc
	}
	dec := newReplyDec(bufio.NewReaderSize(c, 512))
	if t.creds.sharedKey != "" {
		_ = c.SetDeadline(time.Now().Add(dt))
		if err := forwardHandshake(c, dec, t.creds); err != nil {
			return fail(err)
		}
		_ = c.SetDeadline(time.Time{})
	}
	wt := t.o.WriteTimeout
	if wt <= 0 {
		wt = DefaultWriteTimeout
	}
	at := t.o.AckTimeout
	if at <= 0 {
		at = DefaultAckTimeout
	}
	return &forwardConn{c: c, dec: dec, t: t, wt: wt, at: at, unwatch: unwatch}, nil
}

// forwardConn is one connection to a Forward server: PackedForward messages out, acks in.
type forwardConn struct {
	c       net.Conn
	dec     *replyDec
	t       *forwardTransport
	wt, at  time.Duration
	unwatch func() bool

	head, opt []byte
	bufs      [][]byte
	gz        *gzip.Writer
	zbuf      bytes.Buffer

	mu      sync.Mutex
	pending []forwardChunk // sent, not yet acknowledged, in send order
}

// forwardChunk maps a batch's chunk id to the sequence number of its last record: the
// server acknowledges batches, the engine counts records.
type forwardChunk struct {
	id    string
	last  uint64
	acked bool
}

// Send writes b as one PackedForward (CompressedPackedForward with Compress) message,
// [tag, entries, {"size", "chunk", "compressed"}], and registers its chunk id for the ack.
func (s *forwardConn) Send(_ context.Context, b *deliver.Batch) error {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return fmt.Errorf("chunk id: %w", err)
	}
	id := base64.StdEncoding.EncodeToString(raw[:])

	h := append(s.head[:0], 0x93) // fixarray 3
	h = append(h, s.t.tag...)
	bufs := s.bufs[:0]
	if s.t.o.Compress {
		if err := s.compress(b); err != nil {
			return err
		}
		h = appendBinHeader(h, s.zbuf.Len())
		bufs = append(bufs, h, s.zbuf.Bytes())
	} else {
		h = appendBinHeader(h, b.Bytes)
		bufs = append(bufs, h)
		bufs = append(bufs, b.Spans...) // the records, in a few slices
	}
	o := s.opt[:0]
	fields := byte(2)
	if s.t.o.Compress {
		fields++
	}
	o = append(o, msgpcode.FixedMapLow|fields)
	o = appendFixStr(o, "size")
	o = append(o, msgpcode.Uint32, byte(len(b.Records)>>24), byte(len(b.Records)>>16), byte(len(b.Records)>>8), byte(len(b.Records)))
	o = appendFixStr(o, "chunk")
	o = appendFixStr(o, id)
	if s.t.o.Compress {
		o = appendFixStr(o, "compressed")
		o = appendFixStr(o, "gzip")
	}
	bufs = append(bufs, o)
	s.head, s.opt, s.bufs = h, o, bufs

	s.mu.Lock()
	s.pending = append(s.pending, forwardChunk{id: id, last: b.Last()})
	if len(s.pending) == 1 {
		_ = s.c.SetReadDeadline(time.Now().Add(s.at))
	}
	s.mu.Unlock()

	_ = s.c.SetWriteDeadline(time.Now().Add(s.wt))
	nb := net.Buffers(bufs) // WriteTo consumes its receiver: s.bufs keeps the array
	_, err := nb.WriteTo(s.c)
	clear(s.bufs[1:]) // do not pin the engine's records
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// compress gzips the batch's entries into s.zbuf, one gzip member per batch.
func (s *forwardConn) compress(b *deliver.Batch) error {
	s.zbuf.Reset()
	if s.gz == nil {
		s.gz = gzip.NewWriter(&s.zbuf)
	} else {
		s.gz.Reset(&s.zbuf)
	}
	for _, r := range b.Records {
		if _, err := s.gz.Write(r); err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
	}
	if err := s.gz.Close(); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	return nil
}

func (s *forwardConn) Close() error {
	s.unwatch()
	return s.c.Close()
}

// ReadAcks reads {"ack": chunk} responses until the connection ends. An ack settles its
// batch and, once every batch sent before it is acknowledged too, tells the engine the last
// sequence number of the acknowledged prefix: the engine's ack means "everything up to". A
// batch left unacknowledged for AckTimeout ends the connection, so its records are sent
// again on the next one.
func (s *forwardConn) ReadAcks(ack func(seq uint64)) error {
	for {
		id, err := s.readAck()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				s.c.Close()
				return fmt.Errorf("no ack within %v: reconnecting to send the unacknowledged records again", s.at)
			}
			if isClosedOrEOF(err) {
				return nil // closed by the peer or by us: the engine reconnects
			}
			s.c.Close()
			return fmt.Errorf("bad ack: %w", err)
		}
		if last, ok := s.settle(id); ok {
			ack(last)
		}
	}
}

// readAck waits for the next reply and decodes it. Waiting for a reply is bounded only while
// a batch is unacknowledged (Send and settle set the deadline); a reply that starts while
// none is, must still end within AckTimeout, so a server cannot hold the connection with a
// reply it never finishes.
func (s *forwardConn) readAck() (string, error) {
	if _, err := s.dec.r.Peek(1); err != nil {
		return "", err
	}
	s.mu.Lock()
	if len(s.pending) == 0 {
		_ = s.c.SetReadDeadline(time.Now().Add(s.at))
	}
	s.mu.Unlock()
	id, err := forwardReadAck(s.dec)
	if err == nil {
		s.mu.Lock()
		if len(s.pending) == 0 {
			_ = s.c.SetReadDeadline(time.Time{})
		}
		s.mu.Unlock()
	}
	return id, err
}

// settle marks chunk id acknowledged and returns the last sequence number of the
// acknowledged prefix of pending batches, if it grew.
func (s *forwardConn) settle(id string) (uint64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.pending {
		if s.pending[i].id == id {
			s.pending[i].acked = true
			break
		}
	}
	n := 0
	for n < len(s.pending) && s.pending[n].acked {
		n++
	}
	if n == 0 {
		return 0, false // an unknown chunk, or one behind an unacknowledged batch
	}
	last := s.pending[n-1].last
	s.pending = append(s.pending[:0], s.pending[n:]...)
	if len(s.pending) == 0 {
		_ = s.c.SetReadDeadline(time.Time{})
	} else {
		_ = s.c.SetReadDeadline(time.Now().Add(s.at))
	}
	return last, true
}

// forwardReadAck decodes one response, {"ack": chunk}, and returns the chunk id.
func forwardReadAck(d *replyDec) (string, error) {
	d.begin(forwardMaxAckBytes)
	if c, err := d.r.Peek(1); err == nil && (msgpcode.IsFixedArray(c[0]) || c[0] == msgpcode.Array16 || c[0] == msgpcode.Array32) {
		if forwardReadHead(d, "HELO", 2) == nil {
			return "", errors.New("the server opened the shared-key handshake (HELO): set Options.SharedKey")
		}
		return "", errors.New("response is an array, not an ack map")
	}
	n, err := d.mapLen()
	if err != nil {
		return "", err
	}
	if n < 0 || n > forwardMaxFields {
		return "", fmt.Errorf("response map of %d fields", n)
	}
	id, found := "", false
	for range n {
		k, err := d.str()
		if err != nil {
			return "", fmt.Errorf("response key: %w", err)
		}
		if k != "ack" {
			if err := d.skip(1); err != nil {
				return "", fmt.Errorf("response %.16q: %w", k, err)
			}
			continue
		}
		if id, err = d.str(); err != nil {
			return "", fmt.Errorf("response ack: %w", err)
		}
		found = true
	}
	if !found {
		return "", errors.New(`response without "ack"`)
	}
	return id, nil
}

// isClosedOrEOF reports whether err means the connection ended rather than carried garbage.
func isClosedOrEOF(err error) bool {
	return errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET)
}

func appendBinHeader(b []byte, n int) []byte {
	return append(b, msgpcode.Bin32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// appendFixStr appends s (shorter than 32 bytes) as a msgpack fixstr.
func appendFixStr(b []byte, s string) []byte {
	b = append(b, msgpcode.FixedStrLow|byte(len(s)))
	return append(b, s...)
}
