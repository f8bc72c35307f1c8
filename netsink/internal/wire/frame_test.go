package wire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/slogx/handlers/netsink/internal/nettest"
)

func TestReadFrame(t *testing.T) {
	in := append(nettest.Framed([]byte("abc")), nettest.Framed(nil)...)
	in = append(in, 0, 0, 1, 0) // declares 256 bytes: over the limit below
	br := bufio.NewReader(bytes.NewReader(in))
	p, err := ReadFrame(br, nil, 100)
	if err != nil || string(p) != "abc" {
		t.Fatalf("%q %v", p, err)
	}
	if p, err = ReadFrame(br, p, 100); err != nil || len(p) != 0 {
		t.Fatalf("%q %v", p, err)
	}
	if _, err = ReadFrame(br, p, 100); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("err = %v", err)
	}
	_, err = ReadFrame(bytes.NewReader([]byte{0, 0, 0, 5, 'a'}), nil, 100)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncated frame: %v", err)
	}
}

func TestAckRoundTrip(t *testing.T) {
	b := AppendAck(nil, []byte("sender"), 1<<40)
	p, err := ReadFrame(bytes.NewReader(b), nil, MaxAckFrame)
	if err != nil {
		t.Fatal(err)
	}
	id, seq, err := DecodeAck(p)
	if err != nil || string(id) != "sender" || seq != 1<<40 {
		t.Fatalf("%q %d %v", id, seq, err)
	}
}

// FuzzDecodeAck: what a Socket reads back from the network.
func FuzzDecodeAck(f *testing.F) {
	f.Add(AppendAck(nil, []byte("id"), 7)[4:])
	f.Add([]byte{0x81, 0xa3, 'a', 'c', 'k', 0xff})
	f.Add([]byte{0x81, 0xa3, 'a', 'c', 'k', 0x00}) // no id: found by the fuzzer
	f.Add([]byte{0xdf, 0xff, 0xff, 0xff, 0xff})
	for _, p := range wireHostileFrames(4 << 10) { // issue 15: lengths that claim more than is sent
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		id, seq, err := DecodeAck(p)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		id2, seq2, err := DecodeAck(AppendAck(nil, id, seq)[4:])
		if err != nil || !bytes.Equal(id, id2) || seq != seq2 {
			t.Fatalf("round trip: %q %d %v", id2, seq2, err)
		}
	})
}
