package netsink

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"github.com/slogx/handlers/netsink/internal/deliver"
	"github.com/slogx/handlers/netsink/internal/wire"
)

// socketTransport connects a Socket to its Server; the engine calls it from its sender
// goroutine only.
type socketTransport struct {
	addr string
	opts *SocketOptions
	id   []byte
}

func (t *socketTransport) Connect(ctx context.Context) (deliver.Conn, error) {
	dt := t.opts.DialTimeout
	if dt <= 0 {
		dt = 5 * time.Second
	}
	d := &net.Dialer{Timeout: dt}
	var c net.Conn
	var err error
	if t.opts.TLS != nil {
		c, err = (&tls.Dialer{NetDialer: d, Config: t.opts.TLS}).DialContext(ctx, "tcp", t.addr)
	} else {
		c, err = d.DialContext(ctx, "tcp", t.addr)
	}
	if err != nil {
		return nil, err
	}
	wt := t.opts.WriteTimeout
	if wt <= 0 {
		wt = 10 * time.Second
	}
	sc := &socketConn{c: c, id: t.id, wt: wt}
	// Close gives up by cancelling ctx: a write stuck on a peer that stopped reading ends then.
	sc.unwatch = context.AfterFunc(ctx, func() { c.Close() })
	return sc, nil
}

// socketConn is one connection to a Server: frames out, acks in.
type socketConn struct {
	c       net.Conn
	id      []byte
	wt      time.Duration
	unwatch func() bool
}

// Send writes the batch's frames in one vectored write (of its spans: a few slices, not one
// per frame), bounded by WriteTimeout.
func (s *socketConn) Send(_ context.Context, b *deliver.Batch) error {
	_ = s.c.SetWriteDeadline(time.Now().Add(s.wt))
	bufs := net.Buffers(b.Spans)
	if _, err := bufs.WriteTo(s.c); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

func (s *socketConn) Close() error {
	s.unwatch()
	return s.c.Close()
}

// ReadAcks reads ack frames until the connection ends; a malformed ack is an error and ends
// the connection, since what follows it cannot be trusted.
func (s *socketConn) ReadAcks(ack func(seq uint64)) error {
	br := bufio.NewReaderSize(s.c, 512)
	var buf []byte
	for {
		var err error
		buf, err = wire.ReadFrame(br, buf, wire.MaxAckFrame)
		if err != nil {
			return nil // closed by the peer or by us: the engine reconnects
		}
		id, seq, err := wire.DecodeAck(buf)
		if err != nil {
			s.c.Close()
			return fmt.Errorf("bad ack: %w", err)
		}
		if bytes.Equal(id, s.id) {
			ack(seq)
		}
	}
}
