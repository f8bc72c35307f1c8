package slogx_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"testing/slogtest"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

type ctxAttrsKey struct{}

// ctxAttrs returns the attributes stored in ctx under ctxAttrsKey, without allocating.
func ctxAttrs(ctx context.Context) []slog.Attr {
	as, _ := ctx.Value(ctxAttrsKey{}).([]slog.Attr)
	return as
}

func withCtxAttrs(as ...slog.Attr) context.Context {
	return context.WithValue(context.Background(), ctxAttrsKey{}, as)
}

func TestContextAttrsSlogtest(t *testing.T) {
	var buf bytes.Buffer
	h := slogx.ContextAttrs(slogx.NewHandler(&buf, nil), ctxAttrs)
	if err := slogtest.TestHandler(h, func() []map[string]any { return testutil.ParseJSONLines(t, buf.Bytes()) }); err != nil {
		t.Fatal(err)
	}
}

func TestContextAttrsAdded(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slogx.ContextAttrs(slogx.NewHandler(&buf, memoryExampleOptions(nil)), ctxAttrs))
	ctx := withCtxAttrs(slog.String("request_id", "r1"), slog.String("tenant", "acme"))
	l.InfoContext(ctx, "one", "k", 1)
	l.Info("no context attrs")
	l.With("svc", "api").WithGroup("g").InfoContext(ctx, "grouped", "k", 2)
	l.Log(nil, slog.LevelInfo, "nil context") // a nil context must not break it
	want := `level=INFO msg=one k=1 request_id=r1 tenant=acme
level=INFO msg="no context attrs"
level=INFO msg=grouped svc=api g.k=2 request_id=r1 tenant=acme
level=INFO msg="nil context"
`
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestContextAttrsLeavesCallersRecordAlone(t *testing.T) {
	// Seven attributes: two live in the record's overflow slice, which copies of the record
	// share; appending to it in place would show in the caller's record.
	r := slog.NewRecord(fixedTime, slog.LevelInfo, "m", 0)
	for i := range 7 {
		r.AddAttrs(slog.Int(fmt.Sprint("a", i), i))
	}
	var got []string
	h := slogx.ContextAttrs(recordAttrs{&got}, ctxAttrs)
	h.Handle(withCtxAttrs(slog.String("x", "1")), r)
	h.Handle(withCtxAttrs(slog.String("y", "2")), r)
	if r.NumAttrs() != 7 {
		t.Fatalf("caller's record has %d attrs, want 7", r.NumAttrs())
	}
	if got[0] != "a0 a1 a2 a3 a4 a5 a6 x" || got[1] != "a0 a1 a2 a3 a4 a5 a6 y" {
		t.Fatalf("got %q", got)
	}
}

// recordAttrs keeps each record's attribute keys.
type recordAttrs struct{ got *[]string }

func (recordAttrs) Enabled(context.Context, slog.Level) bool { return true }
func (h recordAttrs) Handle(_ context.Context, r slog.Record) error {
	var b bytes.Buffer
	r.Attrs(func(a slog.Attr) bool {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(a.Key)
		return true
	})
	*h.got = append(*h.got, b.String())
	return nil
}
func (h recordAttrs) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h recordAttrs) WithGroup(string) slog.Handler      { return h }

func TestContextAttrsConcurrent(t *testing.T) {
	var buf syncBuffer
	l := slog.New(slogx.ContextAttrs(slogx.NewHandler(&buf, nil), ctxAttrs))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			ctx := withCtxAttrs(slog.Int("g", g))
			for range 200 {
				l.InfoContext(ctx, "m")
			}
		})
	}
	wg.Wait()
	if n := len(testutil.ParseJSONLines(t, buf.Bytes())); n != 1600 {
		t.Fatalf("%d records", n)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Bytes()
}

func TestContextAttrsForwardsFlushAndClose(t *testing.T) {
	o := newOwned()
	h := slogx.ContextAttrs(o, ctxAttrs)
	if err := slogx.Flush(context.Background(), h); err != nil || o.flushes != 1 {
		t.Fatalf("flush: %v, %d flushes", err, o.flushes)
	}
	if err := slogx.Close(h); err != nil || o.closes != 1 {
		t.Fatalf("close: %v, %d closes", err, o.closes)
	}
}

func TestContextAttrsZeroAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items at random under -race; make test runs this without -race too")
	}
	h := slogx.ContextAttrs(slogx.NewHandler(discard{}, nil), ctxAttrs)
	r := slog.NewRecord(fixedTime, slog.LevelInfo, "a message of typical length", 0)
	r.AddAttrs(slog.String("user", "gopher"), slog.Int("count", 42))
	for name, ctx := range map[string]context.Context{
		"none":  context.Background(),
		"three": withCtxAttrs(slog.String("request_id", "r1"), slog.String("trace_id", "t"), slog.String("span_id", "s")),
	} {
		h.Handle(ctx, r) // warm the pool
		if n := testing.AllocsPerRun(300, func() { h.Handle(ctx, r) }); n != 0 {
			t.Errorf("%s: %v allocs/op, want 0", name, n)
		}
	}
	// ContextWith's attributes, read back by ContextAttrs(h, nil), under a request-scoped
	// context a few values deep.
	hw := slogx.ContextAttrs(slogx.NewHandler(discard{}, nil), nil)
	ctx := slogx.ContextWith(context.Background(), slog.String("request_id", "r1"))
	ctx = context.WithValue(ctx, ctxAttrsKey{}, "other")
	ctx = slogx.ContextWith(ctx, slog.String("tenant", "acme"))
	hw.Handle(ctx, r)
	if n := testing.AllocsPerRun(300, func() { hw.Handle(ctx, r) }); n != 0 {
		t.Errorf("ContextWith: %v allocs/op, want 0", n)
	}
}
