package swar

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

func TestLoad(t *testing.T) {
	s := "\x01\x02\x03\x04\x05\x06\x07\x08\x09"
	if got, want := Load8(s), binary.LittleEndian.Uint64([]byte(s)); got != want {
		t.Fatalf("Load8 = %#x, want %#x", got, want)
	}
	if got, want := Load4(s[5:]), binary.LittleEndian.Uint32([]byte(s[5:])); got != want {
		t.Fatalf("Load4 = %#x, want %#x", got, want)
	}
}

// TestByteTests checks the formulas the package doc promises, for every byte value in every
// position of a word otherwise made of a neutral byte.
func TestByteTests(t *testing.T) {
	for pos := range 8 {
		for b := range 256 {
			w := uint64(0x41414141_41414141)&^(0xff<<(8*pos)) | uint64(b)<<(8*pos)
			for _, n := range []uint64{1, 0x20, 0x21, 0x41, 0x42, 0x80} {
				if b >= 0x80 {
					break // callers test the high bits themselves
				}
				if got, want := (w-Ones*n)&^w&Highs != 0, uint64(b) < n || 0x41 < n; got != want {
					t.Fatalf("below %#x, byte %#x at %d: %v, want %v", n, b, pos, got, want)
				}
			}
			for _, c := range []uint64{'"', '\\', '=', ' ', 0x7f, 0} {
				x := w ^ (Ones * c)
				if got, want := (x-Ones)&^x&Highs != 0, uint64(b) == c; got != want {
					t.Fatalf("equal %#x, byte %#x at %d: %v, want %v", c, b, pos, got, want)
				}
			}
		}
	}
}

// TestByteTestsRandom checks the same formulas on random words against a byte-by-byte answer.
func TestByteTestsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		w := rng.Uint64()
		if rng.IntN(2) == 0 {
			w &^= Highs
		}
		var bs [8]byte
		binary.LittleEndian.PutUint64(bs[:], w)
		c := uint64(bs[rng.IntN(8)]) // a byte it has, or one it may not have
		if rng.IntN(2) == 0 {
			c = uint64(rng.IntN(256))
		}
		n := uint64(rng.IntN(0x81))
		below, equal := false, false
		for _, b := range bs {
			below = below || uint64(b) < n
			equal = equal || uint64(b) == c
		}
		x := w ^ (Ones * c)
		if got := (x-Ones)&^x&Highs != 0; got != equal {
			t.Fatalf("equal %#x in %#x: %v, want %v", c, w, got, equal)
		}
		if w&Highs == 0 {
			if got := (w-Ones*n)&^w&Highs != 0; got != below {
				t.Fatalf("below %#x in %#x: %v, want %v", n, w, got, below)
			}
		}
	}
}
