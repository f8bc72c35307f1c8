package deliver

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A real loopback peer for the spool's tests: records are fixed-size frames of recSize bytes,
// [number 8][sequence number 8][padding], written over TCP as they are (Spans); the peer
// acknowledges by sequence number, as a Socket's Server does.
const recSize = 64

// lrec is record number i; the engine stamps its sequence number into bytes 8..16.
func lrec(i uint64) []byte {
	b := make([]byte, recSize)
	binary.BigEndian.PutUint64(b, i)
	return b
}

func stampSeq(rec []byte, seq uint64) { binary.BigEndian.PutUint64(rec[8:], seq) }

// lpeer is the receiving end.
type lpeer struct {
	l net.Listener
	// ackEvery acknowledges after every that many records (and whenever the peer has read
	// all it was sent); stallAfter, when positive, stops reading after that many records.
	ackEvery   int
	stallAfter int

	mu     sync.Mutex
	got    []uint64 // record numbers, in arrival order, duplicates included
	maxSeq uint64
	dupSeq int // records whose sequence number was not above every one seen before
	conns  sync.WaitGroup
	open   []net.Conn
	stop   chan struct{}
}

func newLPeer(t testing.TB, ackEvery, stallAfter int) *lpeer {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &lpeer{l: l, ackEvery: ackEvery, stallAfter: stallAfter, stop: make(chan struct{})}
	p.conns.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *lpeer) accept() {
	defer p.conns.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.open = append(p.open, c)
		p.mu.Unlock()
		p.conns.Add(1)
		go p.serve(c)
	}
}

func (p *lpeer) serve(c net.Conn) {
	defer p.conns.Done()
	defer c.Close()
	br := bufio.NewReaderSize(c, 64<<10)
	var rec [recSize]byte
	var ack [8]byte
	n := 0
	for {
		if _, err := io.ReadFull(br, rec[:]); err != nil {
			return
		}
		num, seq := binary.BigEndian.Uint64(rec[:]), binary.BigEndian.Uint64(rec[8:])
		p.mu.Lock()
		p.got = append(p.got, num)
		if seq <= p.maxSeq {
			p.dupSeq++
		}
		p.maxSeq = max(p.maxSeq, seq)
		stall := p.stallAfter > 0 && len(p.got) >= p.stallAfter
		p.mu.Unlock()
		n++
		if n%p.ackEvery == 0 || br.Buffered() == 0 {
			binary.BigEndian.PutUint64(ack[:], seq)
			if _, err := c.Write(ack[:]); err != nil {
				return
			}
		}
		if stall {
			<-p.stop // reads and acknowledges nothing more
			return
		}
	}
}

func (p *lpeer) close() {
	p.l.Close()
	p.mu.Lock()
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	for _, c := range p.open {
		c.Close()
	}
	p.mu.Unlock()
	p.conns.Wait()
}

func (p *lpeer) received() []uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]uint64(nil), p.got...)
}

// lclient is the Transport: it dials the peer unless down is set.
type lclient struct {
	addr  string
	down  atomic.Bool
	acker bool
}

func (t *lclient) Connect(ctx context.Context) (Conn, error) {
	if t.down.Load() {
		return nil, errors.New("connection refused (the peer is down)")
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	c, err := d.DialContext(ctx, "tcp", t.addr)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	lc := &lconn{c: c, stop: stop}
	if t.acker {
		return &lackConn{lc}, nil
	}
	return lc, nil
}

type lconn struct {
	c    net.Conn
	stop func() bool
}

func (c *lconn) Send(_ context.Context, b *Batch) error {
	_ = c.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	bufs := net.Buffers(b.Spans)
	_, err := bufs.WriteTo(c.c)
	return err
}

func (c *lconn) Close() error { c.stop(); return c.c.Close() }

type lackConn struct{ *lconn }

func (c *lackConn) ReadAcks(ack func(uint64)) error {
	var b [8]byte
	for {
		if _, err := io.ReadFull(c.c, b[:]); err != nil {
			return nil
		}
		ack(binary.BigEndian.Uint64(b[:]))
	}
}
