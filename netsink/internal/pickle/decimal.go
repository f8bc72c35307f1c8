package pickle

import (
	"fmt"
	"strings"
)

// Decimal is a decimal.Decimal, as the str() it is pickled with: -1.50E+3, NaN, Infinity.
type Decimal string

// String returns the number as Python prints it.
func (d Decimal) String() string { return string(d) }

// newDecimal interprets decimal.Decimal(str), checking the string against the Decimal
// grammar (what str() of a Decimal can produce), so only numbers reach a log.
func newDecimal(args Tuple) (any, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("%d arguments, want 1", len(args))
	}
	s, ok := args[0].(string)
	if !ok || !isDecimal(s) {
		return nil, fmt.Errorf("not a decimal: %.40q", args[0])
	}
	return Decimal(s), nil
}

// isDecimal matches [sign] (digits [. [digits]] | . digits) [e [sign] digits], or
// [sign] Inf, Infinity, NaN, sNaN with optional NaN payload digits, case-insensitive.
func isDecimal(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	low := strings.ToLower(s)
	if low == "inf" || low == "infinity" {
		return true
	}
	if rest, ok := strings.CutPrefix(low, "nan"); ok {
		return allDigits(rest, true)
	}
	if rest, ok := strings.CutPrefix(low, "snan"); ok {
		return allDigits(rest, true)
	}
	mant, exp, hasExp := strings.Cut(low, "e")
	if hasExp {
		exp = strings.TrimPrefix(strings.TrimPrefix(exp, "-"), "+")
		if !allDigits(exp, false) {
			return false
		}
	}
	whole, frac, hasDot := strings.Cut(mant, ".")
	if !allDigits(whole, true) || !allDigits(frac, true) {
		return false
	}
	return whole != "" || hasDot && frac != ""
}

func allDigits(s string, emptyOK bool) bool {
	if s == "" {
		return emptyOK
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
