package slogx_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"testing/slogtest"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

func TestContextWithUnderWithGroup(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slogx.ContextAttrs(slogx.NewHandler(&buf, memoryExampleOptions(nil)), nil)).With("svc", "api")
	ctx := slogx.ContextWith(context.Background(), slog.String("request_id", "r1"))
	ctx = slogx.ContextWith(ctx, slog.Group("user", slog.Int("id", 7)))
	l.InfoContext(ctx, "top", "k", 1)
	db := l.WithGroup("db").With("table", "users")
	db.InfoContext(ctx, "query", "rows", 3)
	db.InfoContext(ctx, "no own attrs")
	db.WithGroup("tx").With("iso", "serializable").WithGroup("stmt").InfoContext(ctx, "deep", "n", 1)
	l.WithGroup("empty").InfoContext(ctx, "empty group")
	l.WithGroup("a").WithGroup("b").InfoContext(ctx, "empty groups", slog.Group("c"))
	db.Info("without context attrs", "rows", 0)
	want := `level=INFO msg=top svc=api k=1 request_id=r1 user.id=7
level=INFO msg=query svc=api db.table=users db.rows=3 request_id=r1 user.id=7
level=INFO msg="no own attrs" svc=api db.table=users request_id=r1 user.id=7
level=INFO msg=deep svc=api db.table=users db.tx.iso=serializable db.tx.stmt.n=1 request_id=r1 user.id=7
level=INFO msg="empty group" svc=api request_id=r1 user.id=7
level=INFO msg="empty groups" svc=api request_id=r1 user.id=7
level=INFO msg="without context attrs" svc=api db.table=users db.rows=0
`
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// The function form keeps context attributes at the top level too, and JSON nests the rest.
func TestContextAttrsFunctionUnderWithGroup(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slogx.ContextAttrs(slogx.NewHandler(&buf, nil), ctxAttrs)).WithGroup("db")
	l.InfoContext(withCtxAttrs(slog.String("request_id", "r1")), "query", "rows", 3)
	l.WithGroup("tx").InfoContext(withCtxAttrs(slog.String("request_id", "r2")), "no attrs")
	ms := testutil.ParseJSONLines(t, buf.Bytes())
	if m := ms[0]; m["request_id"] != "r1" || m["db"].(map[string]any)["rows"] != float64(3) || len(m["db"].(map[string]any)) != 1 {
		t.Fatalf("got %s", buf.String())
	}
	if m := ms[1]; m["request_id"] != "r2" || m["db"] != nil {
		t.Fatalf("empty groups written: %s", buf.String())
	}
}

func TestContextWithLeavesParentAlone(t *testing.T) {
	parent := slogx.ContextWith(context.Background(), slog.String("a", "1"), slog.String("b", "2"))
	c1 := slogx.ContextWith(parent, slog.String("c", "3"))
	c2 := slogx.ContextWith(parent, slog.String("d", "4"))
	if slogx.ContextWith(parent) != parent {
		t.Fatal("ContextWith with no attrs made a new context")
	}
	var got []string
	h := slogx.ContextAttrs(recordAttrs{&got}, nil)
	for _, ctx := range []context.Context{parent, c1, c2, context.Background()} {
		h.Handle(ctx, slog.NewRecord(fixedTime, slog.LevelInfo, "m", 0))
	}
	if want := []string{"a b", "a b c", "a b d", ""}; len(got) != 4 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Fatalf("got %q, want %q", got, want)
	}
	// The caller's slice is copied, not kept.
	as := []slog.Attr{slog.String("e", "5")}
	ctx := slogx.ContextWith(context.Background(), as...)
	as[0] = slog.String("changed", "")
	got = got[:0]
	h.Handle(ctx, slog.NewRecord(fixedTime, slog.LevelInfo, "m", 0))
	if got[0] != "e" {
		t.Fatalf("got %q", got)
	}
}

func TestContextWithSlogtest(t *testing.T) {
	var buf bytes.Buffer
	h := slogx.ContextAttrs(slogx.NewHandler(&buf, nil), nil)
	if err := slogtest.TestHandler(h, func() []map[string]any { return testutil.ParseJSONLines(t, buf.Bytes()) }); err != nil {
		t.Fatal(err)
	}
}

// withContext passes every record to h with ctx, whatever context it was logged with.
type withContext struct {
	h   slog.Handler
	ctx context.Context
}

func (w withContext) Enabled(_ context.Context, l slog.Level) bool { return w.h.Enabled(w.ctx, l) }
func (w withContext) Handle(_ context.Context, r slog.Record) error {
	return w.h.Handle(w.ctx, r)
}
func (w withContext) WithAttrs(as []slog.Attr) slog.Handler {
	return withContext{w.h.WithAttrs(as), w.ctx}
}
func (w withContext) WithGroup(n string) slog.Handler { return withContext{w.h.WithGroup(n), w.ctx} }

// Every record carries context attributes: slog's rules hold for the rest of the record
// when it is regrouped under WithGroup.
func TestContextWithSlogtestWithAttrs(t *testing.T) {
	var buf bytes.Buffer
	ctx := slogx.ContextWith(context.Background(), slog.String("request_id", "r1"))
	h := withContext{slogx.ContextAttrs(slogx.NewHandler(&buf, nil), nil), ctx}
	results := func() []map[string]any {
		ms := testutil.ParseJSONLines(t, buf.Bytes())
		for _, m := range ms {
			if m["request_id"] != "r1" {
				t.Errorf("no top-level request_id in %v", m)
			}
			delete(m, "request_id")
		}
		return ms
	}
	if err := slogtest.TestHandler(h, results); err != nil {
		t.Fatal(err)
	}
}
