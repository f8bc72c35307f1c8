package slogx_test

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/slogx/handlers/internal/attrtree"
	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

// TestDifferentialStructured: JSON and Text write every shared case byte for byte as
// slog.JSONHandler and slog.TextHandler do.
func TestDifferentialStructured(t *testing.T) {
	for _, c := range testutil.AttrCases() {
		if c.SlogMisnests {
			continue // slog's output is wrong there; TestReplaceAttrEmptiesNestedGroup pins ours
		}
		for _, json := range []bool{true, false} {
			var want, got bytes.Buffer
			ho := &slog.HandlerOptions{ReplaceAttr: c.ReplaceAttr}
			std, enc := slog.Handler(slog.NewTextHandler(&want, ho)), slogx.Text()
			if json {
				std, enc = slog.NewJSONHandler(&want, ho), slogx.JSON()
			}
			c.Handle(t, std)
			c.Handle(t, slogx.NewHandler(&got, &slogx.Options{Encoder: enc, ReplaceAttr: c.ReplaceAttr}))
			if got.String() != want.String() {
				t.Errorf("%s json=%v:\nslog: %s\nours: %s", c.Name, json, want.String(), got.String())
			}
		}
	}
}

// treeHandler hands Scope.Attrs of each record to out.
type treeHandler struct {
	s   attrtree.Scope
	out *[]slog.Attr
}

func (h treeHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h treeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return treeHandler{h.s.WithAttrs(as), h.out}
}
func (h treeHandler) WithGroup(n string) slog.Handler { return treeHandler{h.s.WithGroup(n), h.out} }
func (h treeHandler) Handle(_ context.Context, r slog.Record) error {
	*h.out = h.s.Attrs(r)
	return nil
}

// TestDifferentialScope: the tree Scope builds (HTTP form, SMTP) has the groups and leaves
// of slog's JSON. Groups slog prints empty ({} from a LogValuer resolving to an empty
// group) have no leaves and are absent from the tree.
func TestDifferentialScope(t *testing.T) {
	for _, c := range testutil.AttrCases() {
		var tree []slog.Attr
		s := attrtree.New(testutil.AttrsOnly(c.ReplaceAttr))
		c.Handle(t, treeHandler{s, &tree})
		checkNoEmptyGroups(t, c.Name, tree)
		want := c.WantLeaves(t, "\x1f")
		if got := testutil.TreeLeaves(t, tree, "\x1f"); !slices.Equal(got, want) {
			t.Errorf("%s:\nslog:  %q\nscope: %q", c.Name, want, got)
		}
	}
}

func checkNoEmptyGroups(t *testing.T, name string, as []slog.Attr) {
	t.Helper()
	for _, a := range as {
		if a.Value.Kind() == slog.KindGroup {
			if len(a.Value.Group()) == 0 || a.Key == "" {
				t.Errorf("%s: group %q is empty or unnamed in the tree", name, a.Key)
			}
			checkNoEmptyGroups(t, name, a.Value.Group())
		}
	}
}
