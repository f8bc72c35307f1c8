package attrwalk

import "sync"

// pathPool holds the slices passed to ReplaceAttr as its groups argument. ReplaceAttr is
// user code, so what it receives escapes; a pooled slice keeps the Walker itself on its
// caller's stack.
var pathPool = sync.Pool{New: func() any {
	s := make([]string, 0, 8)
	return &s
}}

// groups returns the groups around the attribute being visited: the base groups, then the
// keys of the named groups being walked.
func (w *Walker) groups() []string {
	named := false
	for i := range w.depth {
		if !w.frame(i).inline {
			named = true
			break
		}
	}
	if !named {
		return w.base // the common case: no copy
	}
	if w.path == nil {
		w.path = pathPool.Get().(*[]string)
	}
	p := append((*w.path)[:0], w.base...)
	for i := range w.depth {
		if f := w.frame(i); !f.inline {
			p = append(p, f.key)
		}
	}
	*w.path = p
	return p
}

// End releases what the walk borrowed. The Walker may be started again with Begin.
func (w *Walker) End() {
	if w.path != nil {
		clear(*w.path) // do not pin the user's strings in the pool
		*w.path = (*w.path)[:0]
		pathPool.Put(w.path)
		w.path = nil
	}
}
