package attrwalk

import "log/slog"

// Rules are what may differ between encoders in how the walk goes.
type Rules struct {
	// ReplaceAttr is slog.HandlerOptions.ReplaceAttr; nil means none.
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr

	// HollowGroups reports a group as opened (and so written, empty) when one of its
	// members is a group with no members, as slog's handlers do: a LogValuer resolving to
	// an empty group inside group g prints "g":{}. Encoders matching slog byte for byte set
	// it; the others drop such groups, as slog's documentation says handlers should.
	HollowGroups bool

	// SourceGroups turns a *slog.Source value into the group {function, file, line},
	// walked like any other group (ReplaceAttr included), as slog.JSONHandler does.
	SourceGroups bool
}

// Builtin applies ReplaceAttr to a built-in attribute (time, level, msg, source) as slog's
// handlers do: with no groups, the result resolved. ok is false when the result is empty.
func (r Rules) Builtin(a slog.Attr) (_ slog.Attr, ok bool) {
	if r.ReplaceAttr == nil {
		return a, true
	}
	a = r.ReplaceAttr(nil, a)
	a.Value = a.Value.Resolve()
	return a, !a.Equal(slog.Attr{})
}

// sourceGroup is slog.Source's JSON form: a group of function, file and line, each only
// when set.
func sourceGroup(s *slog.Source) slog.Value {
	as := make([]slog.Attr, 0, 3)
	if s.Function != "" {
		as = append(as, slog.String("function", s.Function))
	}
	if s.File != "" {
		as = append(as, slog.String("file", s.File))
	}
	if s.Line != 0 {
		as = append(as, slog.Int("line", s.Line))
	}
	return slog.GroupValue(as...)
}
