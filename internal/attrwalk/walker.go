package attrwalk

import "log/slog"

// Event is what Walker.Next found.
type Event uint8

const (
	// Done: the attribute given to Add is walked.
	Done Event = iota
	// Leaf: Attr is a resolved, non-empty, non-group attribute, ReplaceAttr applied.
	Leaf
	// Open: the group Key begins; it has at least one Leaf (or, with HollowGroups, a hollow
	// member). Groups that turn out empty are never opened, so encoders never take back output.
	Open
	// Close: the group Key, the innermost open one, ends.
	Close
)

// frame is a group being walked.
type frame struct {
	key     string
	members []slog.Attr // not yet visited
	inline  bool        // empty key: its members belong to the parent
}

// inlineDepth frames live in the Walker; deeper nesting takes the heap.
const inlineDepth = 4

// Walker walks attributes under Rules. The zero Walker is not ready: call Begin. It is
// meant to live on its user's stack, one per encoding call.
type Walker struct {
	rules    Rules
	base     []string // groups around the walk (WithGroup), outermost first
	baseOpen int      // how many of base have been reported Open (or were open before)

	frames     [inlineDepth]frame
	more       []frame // frames past inlineDepth
	depth      int     // frames in use
	framesOpen int     // frames[:framesOpen] have been reported Open (inline ones silently)

	input    slog.Attr // given to Add, not yet visited
	hasInput bool
	pending  bool // a leaf or hollow group waits for its groups to be opened
	hasLeaf  bool
	cur      slog.Attr // the Leaf
	key      string    // the group of Open and Close

	path *[]string // for ReplaceAttr; see groups
}

// Begin readies w to walk attributes inside the groups base (outermost first), of which
// the first open are already open in the output: the others are reported with Open before
// the first leaf, and not at all if nothing is written. base must not change during the walk.
func (w *Walker) Begin(r Rules, base []string, open int) {
	w.rules, w.base, w.baseOpen = r, base, open
	w.depth, w.framesOpen, w.hasInput, w.pending, w.hasLeaf = 0, 0, false, false, false
}

// Rules returns the rules w was begun with.
func (w *Walker) Rules() Rules { return w.rules }

// BaseOpen returns how many base groups are open: all of them once anything was written.
func (w *Walker) BaseOpen() int { return w.baseOpen }

// Plain reports whether a, given next, would come out as the Leaf a itself, with nothing
// to open first: Direct, and a value of a PlainKind. Callers write such an attribute
// directly instead of calling Add and Next; it is the hot path of every encoder.
func (w *Walker) Plain(a slog.Attr) bool {
	return w.Direct() && PlainKind(a.Value.Kind())
}

// Direct reports whether an attribute of a PlainKind, given next, would come out as the Leaf
// itself: no ReplaceAttr and every base group open. It can change only when Next runs, so an
// encoder may ask once, keep the answer while it writes plain attributes directly, and ask
// again after walking one with Add and Next. Plain(a) is Direct() && PlainKind(a.Value.Kind());
// the split lets a hot loop compute Value.Kind once per attribute and use it for writing too.
func (w *Walker) Direct() bool {
	return w.rules.ReplaceAttr == nil && w.baseOpen == len(w.base)
}

// plainKinds is the set of PlainKind, one bit per slog.Kind.
const plainKinds = 1<<slog.KindString | 1<<slog.KindInt64 | 1<<slog.KindUint64 | 1<<slog.KindFloat64 |
	1<<slog.KindBool | 1<<slog.KindDuration | 1<<slog.KindTime

// PlainKind reports whether a value of kind k needs no resolving and is never empty: a
// string, number, bool, duration or time. Those kinds are the consecutive constants
// slog.KindBool to slog.KindUint64 (checked when compiling, below), so it is one comparison:
// it runs once per attribute.
func PlainKind(k slog.Kind) bool {
	return uint(k-slog.KindBool) <= uint(slog.KindUint64-slog.KindBool)
}

// The array types differ, and this does not compile, unless plainKinds is exactly the range
// PlainKind tests.
var _ [0]struct{} = [plainKinds ^ (1<<(slog.KindUint64+1) - 1<<slog.KindBool)]struct{}{}

// Add gives w the next attribute to walk; call Next until Done.
func (w *Walker) Add(a slog.Attr) {
	w.input, w.hasInput = a, true
}

// Attr returns the attribute of the last Leaf.
func (w *Walker) Attr() slog.Attr { return w.cur }

// Key returns the group name of the last Open or Close.
func (w *Walker) Key() string { return w.key }

// Next returns the next event of the walk of the attribute given to Add.
func (w *Walker) Next() Event {
	for {
		if w.pending {
			if w.openNext() {
				return Open
			}
			w.pending = false
			if w.hasLeaf {
				w.hasLeaf = false
				return Leaf
			}
		}
		if w.depth == 0 {
			if !w.hasInput {
				return Done
			}
			w.hasInput = false
			w.visit(w.input)
			continue
		}
		f := w.frame(w.depth - 1)
		if len(f.members) == 0 {
			if w.pop() {
				return Close
			}
			continue
		}
		a := f.members[0]
		f.members = f.members[1:]
		w.visit(a)
	}
}

// visit applies the rules to a and sets up what Next reports for it.
func (w *Walker) visit(a slog.Attr) {
	a.Value = a.Value.Resolve()
	if rep := w.rules.ReplaceAttr; rep != nil && a.Value.Kind() != slog.KindGroup {
		a = rep(w.groups(), a)
		a.Value = a.Value.Resolve() // ReplaceAttr may return a LogValuer
	}
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindAny {
		if src, ok := a.Value.Any().(*slog.Source); ok {
			if src == nil || *src == (slog.Source{}) {
				return
			}
			if w.rules.SourceGroups {
				a.Value = sourceGroup(src)
			}
		}
	}
	if a.Value.Kind() != slog.KindGroup {
		w.cur, w.hasLeaf, w.pending = a, true, true
		return
	}
	if members := a.Value.Group(); len(members) > 0 {
		w.push(frame{key: a.Key, members: members, inline: a.Key == ""})
	} else if w.rules.HollowGroups {
		w.pending = true
	}
}

// openNext reports the outermost group not yet open, if any.
func (w *Walker) openNext() bool {
	if w.baseOpen < len(w.base) {
		w.key = w.base[w.baseOpen]
		w.baseOpen++
		return true
	}
	for w.framesOpen < w.depth {
		f := w.frame(w.framesOpen)
		w.framesOpen++
		if !f.inline {
			w.key = f.key
			return true
		}
	}
	return false
}

func (w *Walker) frame(i int) *frame {
	if i < inlineDepth {
		return &w.frames[i]
	}
	return &w.more[i-inlineDepth]
}

func (w *Walker) push(f frame) {
	if w.depth < inlineDepth {
		w.frames[w.depth] = f
	} else {
		w.more = append(w.more[:w.depth-inlineDepth], f)
	}
	w.depth++
}

// pop ends the innermost frame and reports whether it was a group reported Open.
func (w *Walker) pop() bool {
	w.depth--
	f := w.frame(w.depth)
	if w.framesOpen <= w.depth {
		return false
	}
	w.framesOpen = w.depth
	w.key = f.key
	return !f.inline
}
