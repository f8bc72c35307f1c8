package testutil

import (
	"log/slog"
	"strings"
)

// AttrCase is one scenario of the differential attribute suite: every encoder of the module
// must put the same attributes, in the same groups, as slog.JSONHandler does.
type AttrCase struct {
	Name  string
	Steps []Step      // WithAttrs and WithGroup calls, in order, before the record
	Attrs []slog.Attr // the record's own
	// ReplaceAttr, or nil. It sees built-ins too (with no groups), as slog's is.
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr
	// RewritesBuiltins: ReplaceAttr renames or retypes time, level or msg, which encoders
	// with fields of their own for them (msgpack) carry differently from slog's JSON.
	RewritesBuiltins bool
	// SlogMisnests: slog leaves a group open (text) or drops a comma (JSON) when every
	// member of a group is elided; slogx closes the group instead (pinned by
	// TestReplaceAttrEmptiesNestedGroup). Such cases compare with slogx.JSON, not slog.
	SlogMisnests bool
	// SlogHollow: slog prints {} for a group whose only member is a LogValuer resolving to
	// an empty group. JSON and Text reproduce it; the tree encoders drop the group, as
	// slog documents. There are no leaves in it, so only whole-line comparisons differ.
	SlogHollow bool
}

// Step is a WithAttrs (Attrs) or WithGroup (Group) call.
type Step struct {
	Attrs []slog.Attr
	Group string
}

// Apply derives h by the steps.
func Apply(h slog.Handler, steps []Step) slog.Handler {
	for _, s := range steps {
		if s.Group != "" {
			h = h.WithGroup(s.Group)
		} else {
			h = h.WithAttrs(s.Attrs)
		}
	}
	return h
}

// Valuer is a slog.LogValuer returning V.
type Valuer struct{ V slog.Value }

// LogValue implements slog.LogValuer.
func (v Valuer) LogValue() slog.Value { return v.V }

// AttrsOnly wraps rep so that it removes the built-in time, level and msg (recognized by
// key and kind, with no groups) and leaves every other attribute to rep: with it, encoders
// that carry built-ins elsewhere (HTTP form, syslog header) compare on attributes alone.
// The cases never log a top-level attribute of a built-in's key and kind.
func AttrsOnly(rep func([]string, slog.Attr) slog.Attr) func([]string, slog.Attr) slog.Attr {
	return func(gs []string, a slog.Attr) slog.Attr {
		if len(gs) == 0 {
			_, isLevel := a.Value.Any().(slog.Level)
			if a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime ||
				a.Key == slog.LevelKey && isLevel ||
				a.Key == slog.MessageKey && a.Value.Kind() == slog.KindString {
				return slog.Attr{}
			}
		}
		if rep == nil {
			return a
		}
		return rep(gs, a)
	}
}

func drop(key string) func([]string, slog.Attr) slog.Attr {
	return func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == key {
			return slog.Attr{}
		}
		return a
	}
}

// AttrCases returns the shared table.
func AttrCases() []AttrCase {
	nested := []slog.Attr{slog.Group("g", slog.Int("a", 1), slog.Group("h", slog.String("b", "2"))), slog.Int("after", 3)}
	deep := slog.Group("l1", slog.Group("l2", slog.Group("l3", slog.Group("l4", slog.Group("l5", slog.Int("deep", 5)), slog.Int("d4", 4)))), slog.Int("d1", 1))
	path := func(gs []string, a slog.Attr) slog.Attr {
		if a.Value.Kind() == slog.KindString {
			return slog.String(a.Key, strings.Join(gs, "/")+":"+a.Value.String())
		}
		return a
	}
	return []AttrCase{
		{Name: "flat", Attrs: []slog.Attr{slog.String("s", "v w"), slog.Int("i", -4), slog.Bool("b", true)}},
		{Name: "none"},
		{Name: "nested", Attrs: nested},
		{Name: "deep", Attrs: []slog.Attr{deep, slog.String("top", "t")}},
		{Name: "inline-empty-key", Attrs: []slog.Attr{slog.Group("", slog.Int("a", 1), slog.Int("b", 2)), slog.Group("g", slog.Group("", slog.Int("c", 3)))}},
		{Name: "empty-attr", Attrs: []slog.Attr{{}, slog.Int("x", 1), slog.Group("g", slog.Attr{}, slog.Int("y", 2))}},
		{Name: "empty-groups", Attrs: []slog.Attr{slog.Group("e"), slog.Group("g", slog.Group("e2")), slog.Int("x", 1)}},
		{Name: "group-of-empty-attr", Attrs: []slog.Attr{slog.Group("g", slog.Attr{}), slog.Int("x", 1)}, SlogMisnests: true},
		{Name: "valuer-group", Attrs: []slog.Attr{slog.Any("lv", Valuer{slog.GroupValue(slog.String("inner", "v"), slog.Group("sub", slog.Int("n", 1)))})}},
		{Name: "valuer-chain", Attrs: []slog.Attr{slog.Any("lv", Valuer{slog.AnyValue(Valuer{slog.AnyValue(Valuer{slog.IntValue(3)})})})}},
		{Name: "valuer-empty-group", Attrs: []slog.Attr{slog.Group("g", slog.Any("e", Valuer{slog.GroupValue()})), slog.Any("e2", Valuer{slog.GroupValue()}), slog.Int("x", 1)}, SlogHollow: true},
		{Name: "valuer-inline", Attrs: []slog.Attr{slog.Any("", Valuer{slog.GroupValue(slog.Int("a", 1), slog.Int("b", 2))}), slog.Int("c", 3)}},
		{Name: "valuer-nil-attr", Attrs: []slog.Attr{slog.Group("g", slog.Any("", Valuer{slog.Value{}}), slog.Int("k", 1))}},
		{Name: "duplicates", Attrs: []slog.Attr{slog.Int("a", 1), slog.Int("a", 2), slog.Group("g", slog.Int("a", 3)), slog.Group("g", slog.Int("b", 4)), slog.Group("h", slog.String("msg", "inner msg"))}},
		{Name: "rep-remove-in-group", Attrs: []slog.Attr{slog.Group("g", slog.Int("a", 1), slog.String("b", "x")), slog.String("b", "top")}, ReplaceAttr: drop("b")},
		{Name: "rep-empties-nested-group", Attrs: nested, ReplaceAttr: drop("b"), SlogMisnests: true},
		{Name: "rep-empties-group", Attrs: []slog.Attr{slog.Int("x", 0), slog.Group("h", slog.String("b", "2")), slog.Int("after", 3)}, ReplaceAttr: drop("b"), SlogMisnests: true},
		{Name: "rep-empties-last-group", Attrs: []slog.Attr{slog.Int("x", 0), slog.Group("h", slog.String("b", "2"))}, ReplaceAttr: drop("b")},
		{Name: "rep-rename-in-group", Attrs: nested, ReplaceAttr: func(gs []string, a slog.Attr) slog.Attr {
			if len(gs) > 0 && a.Key == "a" {
				a.Key = "A"
			}
			return a
		}},
		{Name: "rep-groups-path", Steps: []Step{{Group: "G"}, {Attrs: []slog.Attr{slog.String("w", "pre")}}, {Group: "H"}}, Attrs: []slog.Attr{deep, slog.Group("g", slog.String("s", "v"))}, ReplaceAttr: path},
		{Name: "rep-to-group", Attrs: []slog.Attr{slog.String("split", "x"), slog.Group("g", slog.String("split", "y"))}, ReplaceAttr: func(gs []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case "split":
				return slog.Group("split", slog.String("v", a.Value.String()), slog.String("p", strings.Join(gs, "/")))
			case "v":
				return slog.Any("v", Valuer{slog.StringValue("valued " + a.Value.String())})
			}
			return a
		}},
		{Name: "rep-to-valuer-group", Attrs: []slog.Attr{slog.Int("n", 1)}, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == "n" {
				return slog.Any("n", Valuer{slog.GroupValue(slog.Int("one", 1), slog.Group("", slog.Int("two", 2)))})
			}
			return a
		}},
		{Name: "rep-builtins", Attrs: []slog.Attr{slog.Int("x", 1)}, RewritesBuiltins: true, ReplaceAttr: func(gs []string, a slog.Attr) slog.Attr {
			if len(gs) > 0 {
				return a
			}
			switch a.Key {
			case slog.TimeKey:
				return slog.Attr{}
			case slog.MessageKey:
				return slog.String("message", a.Value.String())
			case slog.LevelKey:
				return slog.String("severity", "W")
			}
			return a
		}},
		{Name: "with-group-with", Steps: []Step{{Attrs: []slog.Attr{slog.Int("top", 1)}}, {Group: "G"}, {Attrs: []slog.Attr{slog.String("in", "g")}}, {Group: "H"}, {Attrs: []slog.Attr{slog.Group("sub", slog.String("k", "v"))}}}, Attrs: []slog.Attr{slog.Int("x", 1)}},
		{Name: "group-no-record-attrs", Steps: []Step{{Attrs: []slog.Attr{slog.Int("a", 1)}}, {Group: "G"}, {Group: "H"}}},
		{Name: "group-attrs-no-record-attrs", Steps: []Step{{Group: "G"}, {Attrs: []slog.Attr{slog.Int("b", 2)}}, {Group: "H"}}},
		{Name: "group-record-attrs-removed", Steps: []Step{{Group: "G"}}, Attrs: []slog.Attr{slog.String("b", "x")}, ReplaceAttr: drop("b")},
		{Name: "group-with-attrs-removed", Steps: []Step{{Group: "G"}, {Attrs: []slog.Attr{slog.String("b", "x"), {}}}}, Attrs: []slog.Attr{slog.Int("x", 1)}, ReplaceAttr: drop("b")},
		{Name: "group-inline", Steps: []Step{{Group: "G"}}, Attrs: []slog.Attr{slog.Group("", slog.Int("a", 1)), slog.Any("lv", Valuer{slog.GroupValue(slog.Int("b", 2))})}},
		{Name: "group-empty-with", Steps: []Step{{Attrs: []slog.Attr{slog.Group("e")}}, {Group: "G"}, {Attrs: []slog.Attr{slog.Group("e2")}}}, Attrs: []slog.Attr{slog.Int("x", 1)}},
		{Name: "group-valuer-empty", Steps: []Step{{Group: "G"}}, Attrs: []slog.Attr{slog.Any("e", Valuer{slog.GroupValue()})}, SlogHollow: true},
		{Name: "group-deep-rep", Steps: []Step{{Group: "G"}, {Group: "H"}}, Attrs: []slog.Attr{deep}, ReplaceAttr: func(gs []string, a slog.Attr) slog.Attr {
			if a.Key == "d4" {
				return slog.String("d4", strings.Join(gs, "/"))
			}
			return a
		}},
	}
}
