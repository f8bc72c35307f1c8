package netsink

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"
)

// wireMaxAckFrame bounds what the sender reads back from a Server: acks are a few bytes.
const wireMaxAckFrame = 4 << 10

// wireMaxBatch bounds one write of the sender goroutine.
const wireMaxBatch = 256 << 10

func (st *wireSocket) now() time.Time {
	if st.opts.Now != nil {
		return st.opts.Now()
	}
	return time.Now()
}

// run is the sender goroutine: it owns the connection.
func (st *wireSocket) run() {
	defer close(st.done)
	var (
		conn    net.Conn
		dead    chan struct{} // closed by the ack reader when the connection breaks
		readerD chan struct{} // closed when the ack reader returned
		iov     [][]byte
		backoff = st.opts.Backoff
		retryAt time.Time // when backoff allows the next connection attempt
		stall   wireStall // connections that died on the same unacknowledged head record
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-st.stop
		cancel()
	}()
	teardown := func() {
		if conn != nil {
			conn.Close()
			<-readerD
			conn, dead = nil, nil
			// Everything unacknowledged is to be sent again, on the next connection.
			st.mu.Lock()
			st.sentSeq = st.ackedSeq
			st.mu.Unlock()
		}
	}
	defer teardown()
	for {
		if conn != nil {
			select {
			case <-dead:
				// The peer closed, or sent garbage: reconnect and replay.
				st.connDied(&stall)
				teardown()
				retryAt = backoff.Failed(st.now())
				continue
			default:
			}
		}
		st.mu.Lock()
		work := st.qHead < len(st.q) && st.q[len(st.q)-1].seq > st.sentSeq
		st.mu.Unlock()
		if !work {
			select {
			case <-st.wake:
			case <-st.stop:
				return
			case <-dead: // nil (blocks forever) without a connection
			}
			continue
		}
		if conn == nil {
			if now := st.now(); !backoff.Ready(now) {
				t := time.NewTimer(retryAt.Sub(now))
				select {
				case <-t.C:
				case <-st.stop:
					t.Stop()
					return
				}
				continue
			}
			c, err := st.dial(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				retryAt = backoff.Failed(st.now())
				st.rep.Error(fmt.Errorf("netsink: socket %s: connect: %w", st.addr, err))
				continue
			}
			backoff.Reset()
			conn = c
			dead, readerD = make(chan struct{}), make(chan struct{})
			go st.readAcks(c, dead, readerD)
			st.mu.Lock()
			st.conns++
			st.sentSeq = st.ackedSeq // replay everything unacknowledged
			stall.connAcked = st.ackedSeq
			st.mu.Unlock()
		}
		iov = iov[:0]
		var last uint64
		st.mu.Lock()
		size := 0
		for i := st.qHead; i < len(st.q) && size < wireMaxBatch; i++ {
			f := st.q[i]
			if f.seq <= st.sentSeq {
				continue
			}
			iov = append(iov, f.frame)
			size += len(f.frame)
			last = f.seq
		}
		st.mu.Unlock()
		if len(iov) == 0 {
			continue
		}
		wt := st.opts.WriteTimeout
		if wt <= 0 {
			wt = DefaultSocketWriteTimeout
		}
		_ = conn.SetWriteDeadline(time.Now().Add(wt))
		bufs := net.Buffers(iov)
		if _, err := bufs.WriteTo(conn); err != nil {
			st.rep.Error(fmt.Errorf("netsink: socket %s: write: %w", st.addr, err))
			st.connDied(&stall)
			teardown()
			retryAt = backoff.Failed(st.now())
			continue
		}
		st.mu.Lock()
		if last > st.sentSeq {
			st.sentSeq = last
		}
		st.mu.Unlock()
	}
}

func (st *wireSocket) dial(ctx context.Context) (net.Conn, error) {
	dt := st.opts.DialTimeout
	if dt <= 0 {
		dt = DefaultSocketDialTimeout
	}
	d := &net.Dialer{Timeout: dt}
	if st.opts.TLS != nil {
		td := &tls.Dialer{NetDialer: d, Config: st.opts.TLS}
		return td.DialContext(ctx, "tcp", st.addr)
	}
	return d.DialContext(ctx, "tcp", st.addr)
}

// readAcks reads ack frames from c until it fails, then closes dead.
func (st *wireSocket) readAcks(c net.Conn, dead, done chan struct{}) {
	defer close(done)
	defer close(dead)
	br := bufio.NewReaderSize(c, 512)
	var buf []byte
	for {
		var err error
		buf, err = wireReadFrame(br, buf, wireMaxAckFrame)
		if err != nil {
			return
		}
		id, seq, err := wireDecodeAck(buf)
		if err != nil {
			st.rep.Error(fmt.Errorf("netsink: socket %s: bad ack: %w", st.addr, err))
			c.Close()
			return
		}
		if bytes.Equal(id, st.id) {
			st.ack(seq)
		}
	}
}

// wirePoisonAttempts is how many connections in a row may die on the same unacknowledged head
// record before it is dropped as a record the collector refuses.
const wirePoisonAttempts = 3

// wireStall tracks connections that ended without acknowledging anything.
type wireStall struct {
	connAcked uint64 // ackedSeq when the current connection was made
	head      uint64 // the head record the last dead connections stalled on
	count     int
}

// connDied is called when a connection breaks. A collector that closes the connection every
// time it reads a certain record (larger than its MaxFrame, say) would otherwise get it
// replayed forever, with every record behind it piling up until the buffer overflows. So when
// wirePoisonAttempts connections in a row die after sending the same head record and before
// any acknowledgement, that record is dropped, counted and reported, and the rest flows on.
// A collector that is merely down fails at connect, not here.
func (st *wireSocket) connDied(s *wireStall) {
	st.mu.Lock()
	if st.qHead == len(st.q) || st.ackedSeq != s.connAcked || st.sentSeq < st.q[st.qHead].seq {
		s.count = 0 // progress was made, or the head was never sent
		st.mu.Unlock()
		return
	}
	head := st.q[st.qHead]
	if head.seq != s.head {
		s.head, s.count = head.seq, 0
	}
	s.count++
	if s.count < wirePoisonAttempts {
		st.mu.Unlock()
		return
	}
	s.count = 0
	st.q[st.qHead] = wireQueued{}
	st.qHead++
	st.qBytes -= len(head.frame)
	st.ackedSeq = head.seq // replays start after it; the Server accepts a gap in sequences
	if st.sentSeq < head.seq {
		st.sentSeq = head.seq
	}
	close(st.space)
	st.space = make(chan struct{})
	st.mu.Unlock()
	st.rep.Drop(1, fmt.Errorf("netsink: socket %s: the collector closed the connection %d times on record %d (%d bytes) without acknowledging it: dropped",
		st.addr, wirePoisonAttempts, head.seq, len(head.frame)))
}
