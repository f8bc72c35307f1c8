//go:build unix

package spool

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRecover: whatever a segment file holds (a crash, a power loss, a disk that returns
// garbage), Open neither fails nor panics, and offers only whole records, each with its
// checksum right, numbered in sequence.
func FuzzRecover(f *testing.F) {
	// Seeds: a segment of three good records, cut short, with a flipped byte, empty.
	dir := f.TempDir()
	s, err := Open(Options{Dir: dir, MaxBytes: 1 << 20, Segment: 64 << 10})
	if err != nil {
		f.Fatal(err)
	}
	for i := range uint64(3) {
		s.Append(rec(i+1, 20), nil)
	}
	good := append([]byte(nil), s.segs[0].data[:int(s.segs[0].end.Load())+recHeader]...)
	s.Close()
	f.Add(good)
	f.Add(good[:len(good)-30])
	bad := append([]byte(nil), good...)
	bad[headerSize+recHeader+3] ^= 1
	f.Add(bad)
	f.Add([]byte(magic))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, segName(1)), data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(Options{Dir: dir, MaxBytes: 1 << 20, Segment: 64 << 10})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer s.Close()
		for seq := s.Done() + 1; seq <= s.Last(); seq++ {
			p := s.At(seq)
			hdr := s.rseg.data[s.roff : s.roff+recHeader]
			if int(binary.LittleEndian.Uint32(hdr[4:])) != len(p) || binary.LittleEndian.Uint64(hdr[8:]) != seq {
				t.Fatalf("record %d: header %x for %d bytes", seq, hdr, len(p))
			}
			whole := s.rseg.data[s.roff+4 : s.roff+recHeader+len(p)]
			if checksum(whole) != binary.LittleEndian.Uint32(hdr) {
				t.Fatalf("record %d offered with a bad checksum", seq)
			}
		}
	})
}
