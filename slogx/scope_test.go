package slogx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"testing"

	"github.com/slogx/handlers/internal/attrtree"
	"github.com/slogx/handlers/slogx"
)

// scopeHandler renders Scope.Attrs as JSON through encoding/json, so its output can be compared
// with the JSON encoder's: the two attribute walkers must agree on every case.
type scopeHandler struct {
	s   attrtree.Scope
	out *[]map[string]any
}

func (h scopeHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h scopeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return scopeHandler{h.s.WithAttrs(as), h.out}
}
func (h scopeHandler) WithGroup(n string) slog.Handler { return scopeHandler{h.s.WithGroup(n), h.out} }
func (h scopeHandler) Handle(_ context.Context, r slog.Record) error {
	m := map[string]any{"msg": r.Message}
	toMap(m, h.s.Attrs(r))
	*h.out = append(*h.out, m)
	return nil
}

func toMap(m map[string]any, as []slog.Attr) {
	for _, a := range as {
		if a.Value.Kind() == slog.KindGroup {
			sub := map[string]any{}
			toMap(sub, a.Value.Group())
			m[a.Key] = sub
			continue
		}
		if err, ok := a.Value.Any().(error); ok {
			m[a.Key] = err.Error() // as slog's JSON handler renders errors
			continue
		}
		m[a.Key] = a.Value.Any()
	}
}

func TestScopeAgreesWithJSON(t *testing.T) {
	for bname, b := range builders {
		for cname, attrs := range attrCases {
			if cname == "nil-error" || cname == "text-err" || cname == "nan-inf" {
				continue // values whose rendering, not structure, is the point
			}
			var buf bytes.Buffer
			jh := slogx.NewHandler(&buf, &slogx.Options{ReplaceAttr: func(g []string, a slog.Attr) slog.Attr {
				if len(g) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey) {
					return slog.Attr{}
				}
				return a
			}})
			var got []map[string]any
			for _, h := range []slog.Handler{jh, scopeHandler{attrtree.New(nil), &got}} {
				r := slog.NewRecord(fixedTime, slog.LevelInfo, "m", 0)
				r.AddAttrs(attrs...)
				b(slog.New(h)).Handler().Handle(context.Background(), r)
			}
			want := parseJSONLines(t, buf.Bytes())
			// Round-trip ours through encoding/json so that value types compare equal.
			js, err := json.Marshal(got)
			if err != nil {
				t.Fatalf("%s/%s: %v", bname, cname, err)
			}
			var norm []map[string]any
			json.Unmarshal(js, &norm)
			if !reflect.DeepEqual(norm, want) {
				t.Errorf("%s/%s:\nscope: %v\njson:  %v", bname, cname, norm, want)
			}
		}
	}
}

func TestScopeReplaceAttrSeesGroups(t *testing.T) {
	var seen [][]string
	s := attrtree.New(func(g []string, a slog.Attr) slog.Attr {
		seen = append(seen, append([]string(nil), g...))
		if a.Key == "drop" {
			return slog.Attr{}
		}
		return a
	}).WithGroup("G").WithAttrs([]slog.Attr{slog.Int("a", 1)}).WithGroup("H")
	r := slog.NewRecord(fixedTime, 0, "m", 0)
	r.AddAttrs(slog.Group("sub", slog.Int("drop", 1)), slog.Int("b", 2))
	got := s.Attrs(r)
	want := []slog.Attr{slog.Group("G", slog.Int("a", 1), slog.Group("H", slog.Int("b", 2)))}
	if len(got) != 1 || !got[0].Equal(want[0]) {
		t.Fatalf("got %v want %v", got, want)
	}
	wantSeen := [][]string{{"G"}, {"G", "H", "sub"}, {"G", "H"}}
	if !reflect.DeepEqual(seen, wantSeen) {
		t.Fatalf("groups seen %v want %v", seen, wantSeen)
	}
}
