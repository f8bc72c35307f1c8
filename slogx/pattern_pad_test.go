package slogx

import (
	"fmt"
	"testing"
)

// TestPatternPadMatchesFmt checks the hand-written padding of %-Ns and %Ns against fmt, which
// the pattern used before: runes are counted, invalid UTF-8 bytes one each, long strings are
// not cut.
func TestPatternPadMatchesFmt(t *testing.T) {
	for _, spec := range []string{"-8", "8", "-1", "12", "-20"} {
		parts, err := compilePattern("%(message)" + spec + "s")
		if err != nil {
			t.Fatal(err)
		}
		f := &parts[0]
		if !f.padS {
			t.Fatalf("%s: not padded by hand", spec)
		}
		for _, s := range []string{"", "INFO", "WARNING", "CRITICAL", "héllo", "日本語", "\xff\xfe", "a much longer string"} {
			want := fmt.Sprintf("%"+spec+"s", s)
			if got := string(f.appendValue(nil, strValue(s), false)); got != want {
				t.Errorf("%%%ss of %q: got %q, want %q", spec, s, got, want)
			}
		}
	}
	for _, spec := range []string{"08", "+8", "--8", " 8", "-8.2", ".3"} {
		parts, err := compilePattern("%(message)" + spec + "s")
		if err != nil {
			continue
		}
		if parts[0].padS {
			t.Errorf("%s: padded by hand, but fmt must handle it", spec)
		}
	}
}
