package slogx

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestAppendIntMatchesStrconv(t *testing.T) {
	check := func(i int64) {
		t.Helper()
		if got, want := string(appendInt([]byte("x"), i)), "x"+strconv.FormatInt(i, 10); got != want {
			t.Fatalf("appendInt(%d) = %q, want %q", i, got, want)
		}
		u := uint64(i)
		if got, want := string(appendUint(nil, u)), strconv.FormatUint(u, 10); got != want {
			t.Fatalf("appendUint(%d) = %q, want %q", u, got, want)
		}
	}
	for _, i := range []int64{0, 1, -1, 9, 10, 11, 99, 100, 101, 999, 1000, math.MaxInt64, math.MinInt64,
		math.MaxInt64 - 1, math.MinInt64 + 1, 1500000000, -1500000000} {
		check(i)
	}
	// Every power of ten and its neighbours, where the digit count changes.
	for p := uint64(1); p <= 1e19; p *= 10 {
		for _, u := range []uint64{p - 1, p, p + 1} {
			check(int64(u))
		}
		if p == 1e19 {
			break
		}
	}
	check(-1) // math.MaxUint64 as appendUint sees it
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		check(int64(rng.Uint64() >> rng.IntN(64)))
	}
}

// TestDigits8: every four-digit half in both lanes, next to halves of every kind. The lanes
// do not interact (see digits8), so this covers every input.
func TestDigits8(t *testing.T) {
	check := func(n uint32) {
		t.Helper()
		var d [8]byte
		binary.LittleEndian.PutUint64(d[:], digits8(n))
		if got, want := string(d[:]), fmt.Sprintf("%08d", n); got != want {
			t.Fatalf("digits8(%d) = %q, want %q", n, got, want)
		}
	}
	for half := uint32(0); half < 1e4; half++ {
		for _, other := range []uint32{0, 1, 9, 10, 99, 100, 5050, 9999} {
			check(half*1e4 + other)
			check(other*1e4 + half)
		}
	}
}

func TestDigits4(t *testing.T) {
	for n := uint32(0); n < 1e4; n++ {
		var d [4]byte
		binary.LittleEndian.PutUint32(d[:], digits4(n))
		if got, want := string(d[:]), fmt.Sprintf("%04d", n); got != want {
			t.Fatalf("digits4(%d) = %q, want %q", n, got, want)
		}
	}
}
