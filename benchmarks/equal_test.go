package benchmarks

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/slogx/handlers/slogx"
)

// TestSlogxJSONHandleZeroAllocs checks the performance target that matters most, through the
// public API only: Handle of a prepared record allocates nothing, in every benchmark case.
func TestSlogxJSONHandleZeroAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race (sync.Pool drops items on purpose)")
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var h slog.Handler = slogx.NewHandler(io.Discard, &slogx.Options{Encoder: slogx.JSON()})
			if len(c.with) > 0 {
				h = h.WithAttrs(c.with)
			}
			r := c.record()
			if got := testing.AllocsPerRun(1000, func() {
				if err := h.Handle(ctx, r); err != nil {
					t.Fatal(err)
				}
			}); got != 0 {
				t.Errorf("slogx JSON Handle: %v allocs per record, want 0", got)
			}
		})
	}
}

// TestSameOutputAsSlog checks that slogx and slog are benchmarked doing equal work: for every
// case, the handler-level workload of slogx JSON (Text) writes exactly the bytes of
// slog.JSONHandler (slog.TextHandler), and so does the hand-written anchor.
func TestSameOutputAsSlog(t *testing.T) {
	pairs := [][2]string{{"slog-json", "slogx-json"}, {"slog-text", "slogx-text"}, {"slog-json", "hand-append"}}
	for _, c := range cases {
		outs := handleOutputs(t, c)
		for _, p := range pairs {
			want, got := outs[p[0]], outs[p[1]]
			if want == "" {
				t.Fatalf("%s/%s wrote nothing", c.name, p[0])
			}
			if got != want {
				t.Errorf("%s: %s wrote\n%s\n%s wrote\n%s", c.name, p[1], got, p[0], want)
			}
		}
	}
}

// TestEveryLibraryWritesTheFields checks that the zap, zap bridge and zerolog workloads write
// the same message and fields as slog.JSONHandler, at both benchmark levels and in the
// per-request workload, so that no library is measured doing less. Values are compared for
// string, int and bool fields; float and duration fields only by key, since each library has
// its own number format (zerolog writes durations as float milliseconds, for instance).
func TestEveryLibraryWritesTheFields(t *testing.T) {
	for _, c := range cases {
		for level, build := range map[string]func(benchCase, io.Writer) []impl{
			"Handle": handleImpls, "Logger": loggerImpls,
		} {
			checkFields(t, level, c, func(w io.Writer) []impl { return build(c, w) })
		}
	}
	checkFields(t, "PerRequest", perRequest, perRequestImpls)
}

// checkFields runs the workload of every JSON library that build returns and checks what
// each wrote against slog-json's output and the attributes of c (see
// TestEveryLibraryWritesTheFields).
func checkFields(t *testing.T, level string, c benchCase, build func(io.Writer) []impl) {
	t.Helper()
	var want map[string]any
	for _, name := range []string{"slog-json", "slogx-json", "zapslog", "zap", "zerolog"} {
		var buf bytes.Buffer
		im := find(t, build(&buf), name)
		if err := im.op(); err != nil {
			t.Fatalf("%s/%s/%s: %v", level, c.name, name, err)
		}
		var got map[string]any
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatalf("%s/%s/%s wrote invalid JSON %q: %v", level, c.name, name, buf.Bytes(), err)
		}
		if _, ok := got["time"]; !ok {
			t.Errorf("%s/%s/%s wrote no time: %s", level, c.name, name, buf.Bytes())
		}
		if m, _ := got["msg"].(string); m != msg {
			if m, _ := got["message"].(string); m != msg { // zerolog's key
				t.Errorf("%s/%s/%s: message missing: %s", level, c.name, name, buf.Bytes())
			}
		}
		if want == nil {
			want = got
		}
		for _, a := range append(append([]slog.Attr(nil), c.with...), c.perCall...) {
			v, ok := got[a.Key]
			switch {
			case !ok:
				t.Errorf("%s/%s/%s: field %q missing: %s", level, c.name, name, a.Key, buf.Bytes())
			case a.Value.Kind() == slog.KindString, a.Value.Kind() == slog.KindInt64, a.Value.Kind() == slog.KindBool:
				if v != want[a.Key] {
					t.Errorf("%s/%s/%s: %s = %v, slog-json wrote %v", level, c.name, name, a.Key, v, want[a.Key])
				}
			}
		}
		if n, wantN := len(got), len(want); n != wantN {
			t.Errorf("%s/%s/%s wrote %d keys, slog-json %d: %s", level, c.name, name, n, wantN, buf.Bytes())
		}
	}
}

// TestSlogxPerRequestAndPatternAllocs checks the allocation targets of BenchmarkPerRequest
// and BenchmarkPattern: a slogx per-request logger (With of five key-values, one record of
// two) costs at most zap's 6 allocations, and the Pattern layout (like the Text encoder it
// is compared with) none.
func TestSlogxPerRequestAndPatternAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race (sync.Pool drops items on purpose)")
	}
	for _, tc := range []struct {
		group, name string
		impls       []impl
		max         float64
	}{
		{"PerRequest", "slogx-json", perRequestImpls(io.Discard), 6},
		{"PerRequest", "slogx-text", perRequestImpls(io.Discard), 6},
		{"Pattern", "slogx-text", patternImpls(io.Discard), 0},
		{"Pattern", "slogx-pattern", patternImpls(io.Discard), 0},
	} {
		op := find(t, tc.impls, tc.name).op
		if got := testing.AllocsPerRun(1000, func() {
			if err := op(); err != nil {
				t.Fatal(err)
			}
		}); got > tc.max {
			t.Errorf("%s/%s: %v allocs per op, want at most %v", tc.group, tc.name, got, tc.max)
		}
	}
}

// TestPatternWritesTheRecord checks the work of BenchmarkPattern: the pattern line is the
// layout's prefix (level padded to 8, the logger name, the message) followed by the logger
// attribute and the same logfmt attributes the Text encoder writes.
func TestPatternWritesTheRecord(t *testing.T) {
	out := map[string]string{}
	for _, name := range []string{"slogx-text", "slogx-pattern"} {
		var buf bytes.Buffer
		if err := find(t, patternImpls(&buf), name).op(); err != nil {
			t.Fatal(err)
		}
		out[name] = buf.String()
	}
	_, attrs, ok := strings.Cut(out["slogx-text"], `msg="`+msg+`" `)
	if !ok || attrs == "\n" {
		t.Fatalf("slogx-text wrote %q", out["slogx-text"])
	}
	want := " INFO     app.db: " + msg + " logger=app.db " + attrs
	if p := out["slogx-pattern"]; !strings.HasSuffix(p, want) || len(p) == len(want) {
		t.Errorf("slogx-pattern wrote %q, want a time then %q", p, want)
	}
}

// handleOutputs runs the handler-level workload of c once per implementation and returns what
// each wrote.
func handleOutputs(t *testing.T, c benchCase) map[string]string {
	t.Helper()
	outs := map[string]string{}
	var names []string
	for _, im := range handleImpls(c, io.Discard) {
		names = append(names, im.name)
	}
	for _, name := range names {
		var buf bytes.Buffer
		if err := find(t, handleImpls(c, &buf), name).op(); err != nil {
			t.Fatalf("%s/%s: %v", c.name, name, err)
		}
		outs[name] = buf.String()
	}
	return outs
}

func find(t *testing.T, impls []impl, name string) impl {
	t.Helper()
	for _, im := range impls {
		if im.name == name {
			return im
		}
	}
	t.Fatalf("no implementation %q", name)
	return impl{}
}
