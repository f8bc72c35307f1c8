package netsink

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net"
	"sync"

	"github.com/slogx/handlers/slogx"
)

// Limits of DatagramOptions.MaxDatagram.
const (
	DefaultMaxDatagram = 8192
	// MaxDatagramPayload is the largest payload of a UDP datagram over IPv4.
	MaxDatagramPayload = 65507
)

// DatagramOptions configures a Datagram.
type DatagramOptions struct {
	// MaxDatagram is the largest datagram sent, length prefix included; zero means
	// DefaultMaxDatagram (8 KiB: larger datagrams are fragmented by IP, and one lost
	// fragment loses the record), at most MaxDatagramPayload. A record that does not fit is
	// dropped whole — never truncated, never split — counted in Stats().Dropped and
	// reported.
	MaxDatagram int
}

// Datagram is Python's DatagramHandler: every record is one UDP datagram holding a 4-byte
// big-endian length and the Msgpack encoding of the record — the same framing Python uses
// for its pickles, so a Server reads both with ServePacket. UDP promises nothing: a record
// can be lost or reordered without anyone knowing; use Socket when that matters.
//
// Handle sends at once (a datagram send does not wait for the peer); a send error is
// returned, counted in Stats().Errors and reported. The socket is opened lazily and the
// address resolved again after an error. A Datagram is safe for concurrent use.
type Datagram struct {
	enc   *MsgpackEncoder
	level slog.Leveler
	st    *wireDatagram
}

type wireDatagram struct {
	addr string
	max  int
	rep  *slogx.Reporter

	mu      sync.Mutex
	conn    *net.UDPConn
	raddr   *net.UDPAddr
	closed  bool
	records uint64
	bytes   uint64
}

// NewDatagram returns a Datagram sending to addr ("host:port"). It does not resolve or
// open anything yet. opts.Encoder must be nil or an encoder from Msgpack.
func NewDatagram(addr string, o DatagramOptions, opts *slogx.Options) (*Datagram, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("netsink: datagram address %q: %w", addr, err)
	}
	max := o.MaxDatagram
	if max == 0 {
		max = DefaultMaxDatagram
	}
	if max < 16 || max > MaxDatagramPayload {
		return nil, fmt.Errorf("netsink: MaxDatagram %d outside [16, %d]", max, MaxDatagramPayload)
	}
	enc, err := wireEncoder(opts)
	if err != nil {
		return nil, err
	}
	st := &wireDatagram{addr: addr, max: max, rep: slogx.NewReporter(opts.ErrorFunc())}
	return &Datagram{enc: enc, level: wireLevel(opts), st: st}, nil
}

// Enabled reports whether level is at least the configured minimum level.
func (d *Datagram) Enabled(_ context.Context, level slog.Level) bool {
	return level >= d.level.Level()
}

// Handle encodes r and sends it as one datagram. A record larger than MaxDatagram is
// dropped and counted; a send error is counted and returned.
func (d *Datagram) Handle(_ context.Context, r slog.Record) error {
	buf := slogx.GetBuffer()
	defer slogx.PutBuffer(buf)
	b := append((*buf)[:0], 0, 0, 0, 0)
	b, _ = d.enc.appendRecord(b, r, nil, false)
	*buf = b
	if len(b) > d.st.max {
		err := fmt.Errorf("netsink: datagram %s: record of %d bytes: %w (MaxDatagram %d)", d.st.addr, len(b), ErrFrameTooLarge, d.st.max)
		d.st.rep.Drop(1, err)
		return err
	}
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	return d.st.send(b)
}

func (st *wireDatagram) send(b []byte) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		err := fmt.Errorf("netsink: datagram %s: %w", st.addr, slogx.ErrClosed)
		st.rep.Drop(1, err)
		return err
	}
	if st.conn == nil {
		raddr, err := net.ResolveUDPAddr("udp", st.addr)
		if err != nil {
			err = fmt.Errorf("netsink: datagram %s: %w", st.addr, err)
			st.rep.Error(err)
			return err
		}
		// Unconnected, as Python's sendto: an ICMP "port unreachable" from a collector
		// that is down must not fail the next, unrelated send.
		c, err := net.ListenUDP("udp", nil)
		if err != nil {
			err = fmt.Errorf("netsink: datagram %s: %w", st.addr, err)
			st.rep.Error(err)
			return err
		}
		st.conn, st.raddr = c, raddr
	}
	if _, err := st.conn.WriteToUDP(b, st.raddr); err != nil {
		st.conn.Close()
		st.conn = nil
		err = fmt.Errorf("netsink: datagram %s: %w", st.addr, err)
		st.rep.Error(err)
		return err
	}
	st.records++
	st.bytes += uint64(len(b))
	return nil
}

// WithAttrs returns a Datagram sharing d's socket whose records also carry as.
func (d *Datagram) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return d
	}
	return &Datagram{enc: d.enc.WithAttrs(as).(*MsgpackEncoder), level: d.level, st: d.st}
}

// WithGroup returns a Datagram sharing d's socket whose later attributes are in group name.
func (d *Datagram) WithGroup(name string) slog.Handler {
	if name == "" {
		return d
	}
	return &Datagram{enc: d.enc.WithGroup(name).(*MsgpackEncoder), level: d.level, st: d.st}
}

// Stats returns the counters shared by d and the handlers derived from it: Records and
// Bytes count datagrams sent (not delivered: UDP does not say).
func (d *Datagram) Stats() slogx.Stats {
	st := d.st
	st.mu.Lock()
	out := slogx.Stats{Records: st.records, Bytes: st.bytes}
	st.mu.Unlock()
	out.Errors = st.rep.Errors()
	out.Dropped = st.rep.Dropped()
	return out
}

// Close closes the socket. It is idempotent; later records are dropped with
// slogx.ErrClosed.
func (d *Datagram) Close() error {
	st := d.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return nil
	}
	st.closed = true
	if st.conn != nil {
		return st.conn.Close()
	}
	return nil
}
