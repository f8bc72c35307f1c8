package slogxtest_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/slogx/handlers/slogx/slogxtest"
)

// user's LogValue is a group: its members are recorded under the attribute's key.
type user struct{ id int }

func (u user) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("id", u.id), slog.String("role", "admin"))
}

// lazy resolves to a string.
type lazy string

func (l lazy) LogValue() slog.Value { return slog.StringValue(string(l)) }

func TestRecorderResolvesWithGroupAndLogValuers(t *testing.T) {
	rec := slogxtest.NewRecorder()
	l := slog.New(rec).With("svc", "api").WithGroup("req").With("id", 7)
	l.Warn("served", "user", user{42}, "path", lazy("/x"), slog.Group("", slog.Int("inline", 1)),
		slog.Group("empty"), slog.Group("db", slog.Group("tx", slog.Bool("ok", true))))
	r, ok := rec.Find("served")
	if !ok {
		t.Fatal("not found")
	}
	want := map[string]string{
		"svc": "api", "req.id": "7", "req.user.id": "42", "req.user.role": "admin",
		"req.path": "/x", "req.inline": "1", "req.db.tx.ok": "true",
	}
	if len(r.Attrs) != len(want) {
		t.Fatalf("attrs %v, want %v", r.Attrs, want)
	}
	for k, v := range want {
		if got, ok := r.Attrs[k]; !ok || got.String() != v {
			t.Errorf("%s = %v, want %s", k, got, v)
		}
	}
	if r.Attrs["req.path"].Kind() != slog.KindString || r.Attrs["req.id"].Kind() != slog.KindInt64 {
		t.Errorf("kinds: path %v, id %v", r.Attrs["req.path"].Kind(), r.Attrs["req.id"].Kind())
	}
	if r.Level != slog.LevelWarn || r.Time.IsZero() {
		t.Errorf("level %v, time %v", r.Level, r.Time)
	}
}

func TestRecorderFindRecordsReset(t *testing.T) {
	rec := slogxtest.NewRecorder()
	l := slog.New(rec)
	l.Debug("a", "n", 1) // every level is kept
	l.With("k", "v").Info("b")
	l.Info("a", "n", 2)
	if rs := rec.Records(); len(rs) != 3 || rs[0].Message != "a" || rs[1].Message != "b" || rs[2].Attrs["n"].Int64() != 2 {
		t.Fatalf("records %+v", rs)
	}
	if r, ok := rec.Find("a"); !ok || r.Attrs["n"].Int64() != 1 {
		t.Fatalf("Find(a) = %+v, %v: not the first", r, ok)
	}
	if _, ok := rec.Find("c"); ok {
		t.Fatal("found a record never logged")
	}
	derived := rec.WithGroup("g").(*slogxtest.Recorder)
	derived.Reset()
	if n := len(rec.Records()); n != 0 {
		t.Fatalf("%d records after Reset", n)
	}
	slog.New(derived).Info("after")
	if _, ok := rec.Find("after"); !ok {
		t.Fatal("a derived Recorder's record is not in its parent's list")
	}
}

func TestRecorderConcurrent(t *testing.T) {
	rec := slogxtest.NewRecorder()
	var wg sync.WaitGroup
	for g := range 8 {
		l := slog.New(rec).With("g", g)
		wg.Go(func() {
			for i := range 200 {
				l.Info("m", "i", i)
				if i%50 == 0 {
					rec.Records()
					rec.Find("m")
				}
			}
		})
	}
	wg.Wait()
	rs := rec.Records()
	if len(rs) != 1600 {
		t.Fatalf("%d records, want 1600", len(rs))
	}
	seen := map[string]bool{}
	for _, r := range rs {
		seen[fmt.Sprint(r.Attrs["g"], "/", r.Attrs["i"])] = true
	}
	if len(seen) != 1600 {
		t.Fatalf("%d distinct records, want 1600", len(seen))
	}
}

func TestRecorderSlogtest(t *testing.T) {
	rec := slogxtest.NewRecorder()
	results := func() []map[string]any {
		var ms []map[string]any
		for _, r := range rec.Records() {
			m := map[string]any{slog.LevelKey: r.Level, slog.MessageKey: r.Message}
			if !r.Time.IsZero() {
				m[slog.TimeKey] = r.Time
			}
			for k, v := range r.Attrs {
				nest(m, k, v.Any())
			}
			ms = append(ms, m)
		}
		return ms
	}
	if err := slogtest.TestHandler(rec, results); err != nil {
		t.Fatal(err)
	}
}

// nest puts v in m under the dotted path k, as nested maps (slogtest's keys have no dots).
func nest(m map[string]any, k string, v any) {
	for i := 0; i < len(k); i++ {
		if k[i] == '.' {
			sub, _ := m[k[:i]].(map[string]any)
			if sub == nil {
				sub = map[string]any{}
				m[k[:i]] = sub
			}
			nest(sub, k[i+1:], v)
			return
		}
	}
	m[k] = v
}

func TestRecorderKeepsTime(t *testing.T) {
	rec := slogxtest.NewRecorder()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rec.Handle(context.Background(), slog.NewRecord(at, slog.LevelError, "m", 0))
	rec.Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelError, "zero", 0))
	rs := rec.Records()
	if !rs[0].Time.Equal(at) || !rs[1].Time.IsZero() || len(rs[1].Attrs) != 0 {
		t.Fatalf("%+v", rs)
	}
}
