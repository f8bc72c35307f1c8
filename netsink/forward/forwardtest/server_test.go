package forwardtest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/slogx/handlers/netsink/forward/internal/fluentwire"
	"github.com/slogx/handlers/netsink/internal/nettest"
)

// client is a raw Forward client: it writes what a test gives it and reads acks.
type client struct {
	t testing.TB
	c net.Conn
	d *fluentwire.Reader
}

func dial(t testing.TB, s *Server) *client {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &client{t: t, c: c, d: fluentwire.NewReader(bufio.NewReader(c), "reply", 16)}
}

func (c *client) send(v ...any) {
	c.t.Helper()
	for _, v := range v {
		b, err := msgpack.Marshal(v)
		if err != nil {
			c.t.Fatal(err)
		}
		if _, err := c.c.Write(b); err != nil {
			c.t.Fatal(err)
		}
	}
}

// ack reads one reply and returns its "ack".
func (c *client) ack() (string, error) {
	c.d.Begin(1 << 10)
	m, err := c.d.Map(0)
	if err != nil {
		return "", err
	}
	s, _ := m["ack"].(string)
	return s, nil
}

// eventTime is Forward's EventTime extension.
type eventTime time.Time

var _ msgpack.Marshaler = eventTime{}

func (t eventTime) MarshalMsgpack() ([]byte, error) {
	tt := time.Time(t)
	return []byte{0xd7, 0x00, byte(tt.Unix() >> 24), byte(tt.Unix() >> 16), byte(tt.Unix() >> 8), byte(tt.Unix()),
		byte(tt.Nanosecond() >> 24), byte(tt.Nanosecond() >> 16), byte(tt.Nanosecond() >> 8), byte(tt.Nanosecond())}, nil
}

func packed(t testing.TB, entries ...[]any) []byte {
	var b []byte
	for _, e := range entries {
		p, err := msgpack.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, p...)
	}
	return b
}

// Every mode of Forward v1 is read into the same entries, and a chunk is acknowledged in
// each.
func TestServerModes(t *testing.T) {
	nettest.NoLeak(t)
	s := NewServer(t, Options{})
	at := time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)
	rec := map[string]any{"message": "m", "n": 7, "big": uint64(1 << 63), "f": 1.5, "b": []byte{1}, "l": []any{"x", nil, true},
		"g": map[string]any{"k": -3}}
	c := dial(t, s)
	entries := packed(t, []any{eventTime(at), rec}, []any{at.Unix(), rec})
	c.send(
		[]any{"t.message", eventTime(at), rec, map[string]any{"chunk": "c1"}},
		[]any{"t.message", at.Unix(), rec}, // no option: no ack
		[]any{"t.forward", []any{[]any{eventTime(at), rec}, []any{int64(0), rec}}, map[string]any{"chunk": "c2", "size": 2}},
		[]any{"t.packed", entries, map[string]any{"chunk": "c3", "size": 2}},
		[]any{"t.gzip", nettest.Gzip(entries), map[string]any{"chunk": "c4", "size": 2, "compressed": "gzip"}},
		[]any{"t.packedstr", string(entries)}, // PackedForward as str, no option
	)
	for _, want := range []string{"c1", "c2", "c3", "c4"} {
		if got, err := c.ack(); err != nil || got != want {
			t.Fatalf("ack %q, %v; want %q", got, err, want)
		}
	}
	es := s.WaitEntries(10)
	wantRec := map[string]any{"message": "m", "n": int64(7), "big": uint64(1 << 63), "f": 1.5, "b": []byte{1},
		"l": []any{"x", nil, true}, "g": map[string]any{"k": int64(-3)}}
	wantTimes := []time.Time{at, at.Truncate(time.Second), at, {}, at, at.Truncate(time.Second), at, at.Truncate(time.Second), at, at.Truncate(time.Second)}
	wantTags := []string{"t.message", "t.message", "t.forward", "t.forward", "t.packed", "t.packed", "t.gzip", "t.gzip", "t.packedstr", "t.packedstr"}
	for i, e := range es {
		if e.Tag != wantTags[i] || !e.Time.Equal(wantTimes[i]) || !reflect.DeepEqual(e.Record, wantRec) {
			t.Errorf("entry %d: %+v", i, e)
		}
	}
	var modes []string
	for _, m := range s.Messages() {
		modes = append(modes, m.Mode)
	}
	want := []string{ModeMessage, ModeMessage, ModeForward, ModePackedForward, ModeCompressedPackedForward, ModePackedForward}
	if !reflect.DeepEqual(modes, want) {
		t.Errorf("modes %v, want %v", modes, want)
	}
	if m := s.Messages()[4]; m.Chunk != "c4" || m.Size != 2 || m.Entries != 2 || m.Compressed != "gzip" || m.Bytes == 0 {
		t.Errorf("message %+v", m)
	}
	if errs := s.Errors(); len(errs) != 0 {
		t.Errorf("errors %v", errs)
	}
}

// Refuse, Drop and SetNoAck misbehave as they say, and the server recovers after them.
func TestServerFailures(t *testing.T) {
	nettest.NoLeak(t)
	s := NewServer(t, Options{})
	msg := []any{"t", int64(1), map[string]any{"k": "v"}, map[string]any{"chunk": "c"}}

	s.Refuse(1)
	c := dial(t, s)
	if _, err := c.ack(); !errors.Is(err, io.EOF) && !isReset(err) {
		t.Fatalf("refused connection: %v, want the end of the stream", err)
	}

	s.Drop(1, 1)
	c = dial(t, s)
	c.send(msg)
	if got, err := c.ack(); err != nil || got != "c" {
		t.Fatalf("message before the dropped one: ack %q, %v", got, err)
	}
	c.send(msg)
	if _, err := c.ack(); !errors.Is(err, io.EOF) && !isReset(err) {
		t.Fatalf("dropped message: %v, want the end of the stream", err)
	}
	if n := len(s.Entries()); n != 1 {
		t.Fatalf("%d entries recorded, want 1: not the dropped message's", n)
	}

	s.SetNoAck(true)
	c = dial(t, s)
	c.send(msg, []any{"t", int64(2), map[string]any{"k": "w"}}) // the second, unacknowledged either way, marks the end
	s.WaitEntries(3)
	s.SetNoAck(false)
	c.send(msg)
	if got, err := c.ack(); err != nil || got != "c" {
		t.Fatalf("ack %q, %v: the first message must not have been acknowledged, the third must", got, err)
	}
	if n := s.Connections(); n != 3 {
		t.Errorf("%d connections, want 3", n)
	}
}

func isReset(err error) bool { return err != nil && strings.Contains(err.Error(), "reset") }

// An acknowledgement held by SetAckDelay is abandoned by Close, which returns at once.
func TestServerCloseAbandonsDelayedAck(t *testing.T) {
	nettest.NoLeak(t)
	s := NewServer(t, Options{})
	s.SetAckDelay(time.Hour)
	c := dial(t, s)
	c.send([]any{"t", int64(1), map[string]any{}, map[string]any{"chunk": "c"}})
	s.WaitEntries(1)
	s.Close() // would wait an hour if the delay held it
	if _, err := c.ack(); err == nil {
		t.Fatal("acknowledged after Close")
	}
}

// A server from Start has no test to fail: WaitEntries returns what arrived when it closes.
func TestStartWaitEndsAtClose(t *testing.T) {
	nettest.NoLeak(t)
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan []Entry)
	go func() { done <- s.WaitEntries(1) }()
	s.Close()
	if es := <-done; len(es) != 0 {
		t.Fatalf("%d entries", len(es))
	}
}

// What a hostile client sends costs what it sent, not what it claims; nesting, message size
// and decompressed size are bounded; each fault ends its connection and is kept in Errors.
func TestServerHostileClients(t *testing.T) {
	nettest.NoLeak(t)
	s := NewServer(t, Options{MaxMessage: 1 << 20})
	deep := append([]byte{0x93, 0xa1, 't', 0x01, 0x81, 0xa1, 'x'}, bytes.Repeat([]byte{0x91}, 1_000_000)...)
	bomb := nettest.Gzip(make([]byte, 2<<20))
	bombMsg, _ := msgpack.Marshal([]any{"t", bomb, map[string]any{"compressed": "gzip"}})
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"a bin claiming 1 GiB", []byte{0x93, 0xa1, 't', 0xc6, 0x40, 0, 0, 0, 1, 2, 3}, "message exceeds its size limit (1048576 bytes)"},
		{"an array claiming 2^32-1 entries", []byte{0x93, 0xa1, 't', 0xdd, 0xff, 0xff, 0xff, 0xff}, "exceeds its size limit"},
		{"a record nested 10^6 deep", deep, "nested deeper than 64"},
		{"a string of 700 KiB claimed, 16 bytes sent", []byte{0x93, 0xa1, 't', 0xdb, 0, 0x0a, 0xf0, 0, 'x', 'x'}, "unexpected EOF"},
		{"a gzip bomb", bombMsg, "too large once decompressed"},
		{"a map with an integer key", []byte{0x93, 0xa1, 't', 0x01, 0x81, 0x01, 0x01}, "map key"},
		{"an unknown extension", []byte{0x93, 0xa1, 't', 0xd4, 0x05, 0x00, 0x80}, "extension 5"},
		{"six elements", []byte{0x96}, "message of 6 elements"},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c := dial(t, s)
		_, _ = c.c.Write(tc.b) // the server may close before it read everything
		if tc.want == "unexpected EOF" {
			c.c.(*net.TCPConn).CloseWrite()
		}
		if _, err := c.ack(); err == nil {
			t.Fatalf("%s: acknowledged", tc.name)
		}
		runtime.ReadMemStats(&after)
		if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
			t.Errorf("%s: allocated %d MiB", tc.name, got>>20)
		}
		errs := s.Errors()
		if len(errs) == 0 || !strings.Contains(errs[len(errs)-1].Error(), tc.want) {
			t.Errorf("%s: errors %v, want the last containing %q", tc.name, errs, tc.want)
		}
	}
	if n := len(s.Entries()); n != 0 {
		t.Errorf("%d entries from hostile messages", n)
	}
}

// With TLS the server speaks TLS with a certificate its TLSConfig trusts; without, it has
// none to offer.
func TestServerTLS(t *testing.T) {
	nettest.NoLeak(t)
	s := NewServer(t, Options{TLS: true})
	c, err := tls.Dial("tcp", s.Addr(), s.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	b, _ := msgpack.Marshal([]any{"t", int64(1), map[string]any{"k": "v"}, map[string]any{"chunk": "c"}})
	if _, err := c.Write(b); err != nil {
		t.Fatal(err)
	}
	d := fluentwire.NewReader(bufio.NewReader(c), "reply", 16)
	d.Begin(1 << 10)
	if m, err := d.Map(0); err != nil || m["ack"] != "c" {
		t.Fatalf("ack %v, %v", m, err)
	}
	if NewServer(t, Options{}).TLSConfig() != nil {
		t.Error("a TLS config without TLS")
	}
}
