package netsink

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"net"

	"github.com/slogx/handlers/netsink/internal/netaddr"
	"github.com/slogx/handlers/netsink/internal/wire"
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
// It is a slogx.Handler over a datagram writer, so levels, options, Stats and error
// reporting are those of every other handler. Handle sends at once (a datagram send does not
// wait for the peer); a send error is returned, counted in Stats().Errors and reported; a
// record larger than MaxDatagram is dropped whole and counted in Stats().Dropped. The socket
// is opened lazily and the address resolved again after an error. Records and Bytes count
// datagrams sent, not delivered: UDP does not say.
type Datagram struct {
	*slogx.Handler
}

// NewDatagram returns a Datagram sending to addr ("host:port", port a number or a UDP
// service name). It refuses a malformed address but does not resolve or open anything yet. opts.Encoder must be nil: the wire format is fixed.
func NewDatagram(addr string, o DatagramOptions, opts *slogx.Options) (*Datagram, error) {
	if _, err := netaddr.ValidateHostPort("datagram", "udp", addr); err != nil {
		return nil, err
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
	var ho slogx.Options
	if opts != nil {
		ho = *opts
	}
	ho.Encoder, ho.NoTerminator = lengthPrefixed{enc}, true
	return &Datagram{slogx.NewHandler(&datagramWriter{addr: addr, max: max}, &ho)}, nil
}

// lengthPrefixed frames each record as Python's DatagramHandler does: a 4-byte big-endian
// length, then the payload, written in place so a datagram costs no copy.
type lengthPrefixed struct{ enc *wire.Encoder }

func (e lengthPrefixed) Append(dst []byte, r slog.Record) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst = e.enc.Append(dst, r)
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst
}

func (e lengthPrefixed) WithAttrs(as []slog.Attr) slogx.Encoder {
	return lengthPrefixed{e.enc.WithAttrs(as).(*wire.Encoder)}
}

func (e lengthPrefixed) WithGroup(name string) slogx.Encoder {
	return lengthPrefixed{e.enc.WithGroup(name).(*wire.Encoder)}
}

func (e lengthPrefixed) WithOptions(o slogx.EncoderOptions) slogx.Encoder {
	return lengthPrefixed{e.enc.WithOptions(o).(*wire.Encoder)}
}

// datagramWriter sends one datagram per Write; the Handler's mutex serializes it.
type datagramWriter struct {
	addr  string
	max   int
	conn  *net.UDPConn
	raddr *net.UDPAddr
}

func (w *datagramWriter) Write(b []byte) (int, error) {
	if len(b) > w.max {
		return 0, fmt.Errorf("netsink: datagram %s: record of %d bytes: %w (MaxDatagram %d): %w",
			w.addr, len(b), wire.ErrFrameTooLarge, w.max, slogx.ErrDropped)
	}
	if w.conn == nil {
		raddr, err := net.ResolveUDPAddr("udp", w.addr)
		if err != nil {
			return 0, fmt.Errorf("netsink: datagram %s: %w", w.addr, err)
		}
		// Unconnected, as Python's sendto: an ICMP "port unreachable" from a collector
		// that is down must not fail the next, unrelated send.
		c, err := net.ListenUDP("udp", nil)
		if err != nil {
			return 0, fmt.Errorf("netsink: datagram %s: %w", w.addr, err)
		}
		w.conn, w.raddr = c, raddr
	}
	n, err := w.conn.WriteToUDP(b, w.raddr)
	if err != nil {
		w.conn.Close()
		w.conn = nil
		return n, fmt.Errorf("netsink: datagram %s: %w", w.addr, err)
	}
	return n, nil
}

func (w *datagramWriter) Close() error {
	if w.conn == nil {
		return nil
	}
	err := w.conn.Close()
	w.conn = nil
	return err
}
