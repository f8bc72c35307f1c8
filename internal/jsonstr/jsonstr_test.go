package jsonstr

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// reference is s quoted by log/slog's JSON handler (its message), the escaping this
// package promises.
func reference(t testing.TB, s string) string {
	t.Helper()
	var buf bytes.Buffer
	r := slog.NewRecord(time.Time{}, slog.LevelInfo, s, 0)
	if err := slog.NewJSONHandler(&buf, nil).Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	out, ok := strings.CutPrefix(buf.String(), `{"level":"INFO","msg":`)
	if !ok || !strings.HasSuffix(out, "}\n") {
		t.Fatalf("slog wrote %q", buf.String())
	}
	return strings.TrimSuffix(out, "}\n")
}

// check compares Append, AppendMember and AppendEscaped on s with the reference, appending
// to buffers with no spare capacity, with a little and with plenty, and to a non-empty
// prefix, so that the word stores' capacity checks and offsets are all exercised.
func check(t testing.TB, s string) {
	t.Helper()
	checkWant(t, s, reference(t, s))
}

func checkWant(t testing.TB, s, want string) {
	t.Helper()
	for _, spare := range []int{0, room - 1, room + 1} {
		for _, prefix := range []string{"", "p"} {
			dst := append(make([]byte, 0, len(prefix)+spare), prefix...)
			if got := string(Append(dst, s)); got != prefix+want {
				t.Fatalf("Append(%q) spare %d = %q, want %q", s, spare, got, prefix+want)
			}
			dst = append(make([]byte, 0, len(prefix)+spare), prefix...)
			if got := string(AppendMember(dst, s)); got != prefix+","+want+":" {
				t.Fatalf("AppendMember(%q) spare %d = %q, want %q", s, spare, got, prefix+","+want+":")
			}
			dst = append(make([]byte, 0, len(prefix)+spare), prefix...)
			if got := string(AppendEscaped(dst, s)); got != prefix+want[1:len(want)-1] {
				t.Fatalf("AppendEscaped(%q) spare %d = %q, want %q", s, spare, got, prefix+want[1:len(want)-1])
			}
		}
	}
}

// TestEveryByteEveryPosition puts every byte value at every position of plain strings of
// every length from 0 to 50, so that every word of the short paths, the 32- and 16-byte
// blocks of the long path and its overlapping tail meet every byte that needs escaping.
func TestEveryByteEveryPosition(t *testing.T) {
	// A lone byte's quoting does not depend on its neighbours when they are plain ASCII (a
	// byte from 0x80 up alone is invalid UTF-8 wherever it is), so slog is asked once per
	// byte value.
	var one [256]string
	for b := range one {
		q := reference(t, string([]byte{byte(b)}))
		one[b] = q[1 : len(q)-1]
	}
	for n := 0; n <= 50; n++ {
		plain := strings.Repeat("k", n)
		check(t, plain)
		for pos := 0; pos < n; pos++ {
			for b := 0; b < 256; b++ {
				s := []byte(plain)
				s[pos] = byte(b)
				checkWant(t, string(s), `"`+plain[:pos]+one[b]+plain[pos+1:]+`"`)
			}
		}
	}
}

// TestRunes: multi-byte characters, valid and not, at the edges of the words.
func TestRunes(t *testing.T) {
	for _, r := range []string{"é", "\u2028", "\u2029", "€", "😀", "\xff", "\xe2\x80", "\xed\xa0\x80"} {
		for n := 0; n <= 40; n++ {
			for pos := 0; pos <= n; pos++ {
				plain := strings.Repeat("k", n)
				check(t, plain[:pos]+r+plain[pos:])
			}
		}
	}
}

func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "a", "key", "method", "request handled", "a\"b", "tab\there",
		"\u2028", "\xff", strings.Repeat("lorem ipsum ", 5), strings.Repeat("x", 31) + "\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { check(t, s) })
}

func BenchmarkAppend(b *testing.B) {
	for _, s := range []string{"GET", "method", "request handled", strings.Repeat("lorem ipsum dolo", 64)} {
		b.Run(string(rune('0'+len(s)%10)), func(b *testing.B) {
			buf := make([]byte, 0, 2048)
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				buf = Append(buf[:0], s)
			}
		})
	}
}
