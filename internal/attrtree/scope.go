// Package attrtree builds the attribute tree of a record for the encoders that look attributes
// up rather than write them in order: the HTTP form body (dotted keys, checked against
// Python's own) and the SMTP subject template's Attr. It applies slog's rules through the one
// walker, internal/attrwalk, so every encoder of this module sees the same attributes.
package attrtree

import (
	"log/slog"
	"slices"

	"github.com/slogx/handlers/internal/attrwalk"
)

// Scope is the attribute context of a handler, for encoders that cannot precompute bytes:
// msgpack maps need their length up front, syslog structured data and HTTP form bodies are
// built from a tree. It applies the same rules as JSON() and Text() — values resolved,
// ReplaceAttr called with the open groups, empty attrs elided, empty-key groups inlined, empty
// groups dropped — so every encoder of this module sees the same attributes.
//
// A Scope is an immutable value; WithAttrs and WithGroup return new ones.
type Scope struct {
	replace func(groups []string, a slog.Attr) slog.Attr
	frames  []frame // frames[0] is the root; one more per WithGroup
}

type frame struct {
	group string
	attrs []slog.Attr // normalized
}

// New returns an empty scope applying replace (nil: none), with the contract of
// slog.HandlerOptions.ReplaceAttr.
func New(replace func(groups []string, a slog.Attr) slog.Attr) Scope {
	return Scope{replace: replace, frames: []frame{{}}}
}

// Groups returns the names of the groups opened with WithGroup, outermost first.
func (s Scope) Groups() []string {
	gs := make([]string, 0, len(s.frames))
	for _, f := range s.frames[1:] {
		gs = append(gs, f.group)
	}
	return gs
}

func (s Scope) clone() Scope {
	if len(s.frames) == 0 {
		s.frames = []frame{{}}
	}
	return Scope{replace: s.replace, frames: slices.Clone(s.frames)}
}

// WithAttrs returns a scope with as added to the innermost open group.
func (s Scope) WithAttrs(as []slog.Attr) Scope {
	s2 := s.clone()
	last := &s2.frames[len(s2.frames)-1]
	gs := s2.Groups()
	last.attrs = s2.normalize(slices.Clip(last.attrs), gs, as)
	return s2
}

// WithGroup returns a scope in which later attributes belong to the group name.
func (s Scope) WithGroup(name string) Scope {
	if name == "" {
		return s
	}
	s2 := s.clone()
	s2.frames = append(s2.frames, frame{group: name})
	return s2
}

// Attrs returns the full attribute tree of r in this scope: the scope's attrs with r's own
// attrs in the innermost group, groups as slog.Group values. Groups left empty are omitted,
// as slog's handlers omit them.
func (s Scope) Attrs(r slog.Record) []slog.Attr {
	if len(s.frames) == 0 {
		s.frames = []frame{{}}
	}
	var inner []slog.Attr
	if r.NumAttrs() > 0 {
		var w attrwalk.Walker
		gs := s.Groups()
		w.Begin(s.rules(), gs, len(gs))
		r.Attrs(func(a slog.Attr) bool {
			w.Add(a)
			inner = collect(&w, inner)
			return true
		})
		w.End()
	}
	for i := len(s.frames) - 1; i >= 0; i-- {
		f := s.frames[i]
		out := make([]slog.Attr, 0, len(f.attrs)+1)
		out = append(out, f.attrs...)
		if len(inner) > 0 {
			if i == len(s.frames)-1 {
				out = append(out, inner...)
			} else {
				out = append(out, slog.Attr{Key: s.frames[i+1].group, Value: slog.GroupValue(inner...)})
			}
		}
		inner = out
	}
	return inner
}

// ReplaceBuiltin applies ReplaceAttr to a built-in attribute (time, level, msg, source) as
// slog's handlers do: with no groups. ok is false when ReplaceAttr removed it.
func (s Scope) ReplaceBuiltin(a slog.Attr) (slog.Attr, bool) {
	return s.rules().Builtin(a)
}

// rules are slog's documented rules: a group with nothing in it is dropped, however it
// came to be empty, since a tree has no use for it.
func (s Scope) rules() attrwalk.Rules {
	return attrwalk.Rules{ReplaceAttr: s.replace}
}

// normalize appends the normalized form of as (inside groups gs) to dst.
func (s Scope) normalize(dst []slog.Attr, gs []string, as []slog.Attr) []slog.Attr {
	var w attrwalk.Walker
	w.Begin(s.rules(), gs, len(gs))
	for _, a := range as {
		w.Add(a)
		dst = collect(&w, dst)
	}
	w.End()
	return dst
}

// collect appends what w yields, up to the end of the attribute given to Add or of the
// current group, to dst as a tree.
func collect(w *attrwalk.Walker, dst []slog.Attr) []slog.Attr {
	for {
		switch w.Next() {
		case attrwalk.Done, attrwalk.Close:
			return dst
		case attrwalk.Open:
			key := w.Key()
			dst = append(dst, slog.Attr{Key: key, Value: slog.GroupValue(collect(w, nil)...)})
		case attrwalk.Leaf:
			dst = append(dst, w.Attr())
		}
	}
}
