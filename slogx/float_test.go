package slogx

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestShortDecimalMatchesStrconv checks appendShortDecimal's fast path against strconv on
// the values it is for (short decimals of every magnitude and sign), their neighbours one
// ulp away, random bit patterns and the special values: JSON's positional form ('f' for
// [1e-6, 1e21), as encoding/json) and Text's 'g'.
func TestShortDecimalMatchesStrconv(t *testing.T) {
	check := func(f float64) {
		t.Helper()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return // slog's error text for those is checked by the differential tests
		}
		format := byte('f')
		if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
			format = 'e'
		}
		want := strconv.AppendFloat(nil, f, format, -1, 64)
		if format == 'e' {
			if n := len(want); n >= 4 && want[n-4] == 'e' && want[n-3] == '-' && want[n-2] == '0' {
				want[n-2] = want[n-1]
				want = want[:n-1]
			}
		}
		if got := appendJSONFloat(nil, f); string(got) != string(want) {
			t.Fatalf("JSON %v (%#x): got %s, want %s", f, math.Float64bits(f), got, want)
		}
		if got, want := appendTextFloat(nil, f), strconv.FormatFloat(f, 'g', -1, 64); string(got) != want {
			t.Fatalf("text %v (%#x): got %s, want %s", f, math.Float64bits(f), got, want)
		}
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 3.25, 0.1, 0.2, 0.3, 1e-7, 1e-6,
		1e-5, 1e-4, 0.001, 999999.999999, 1e6, 999999999.999999, 1e9, 1e15, 1e21, 123456.75,
		math.SmallestNonzeroFloat64, math.MaxFloat64, 5e-324, 0.1 + 0.2} {
		check(f)
		check(-f)
		check(math.Nextafter(f, math.Inf(1)))
		check(math.Nextafter(f, math.Inf(-1)))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pow10 := []float64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8}
	for range 200000 {
		// A decimal with up to 8 fractional digits and up to 15 digits in all.
		n := rng.Int64N(1_000_000_000_000_000)
		n /= int64(math.Pow(10, float64(rng.IntN(15))))
		f := float64(n) / pow10[rng.IntN(len(pow10))]
		check(f)
		check(-f)
		check(math.Nextafter(f, 0))
		check(math.Float64frombits(rng.Uint64()))
	}
}
