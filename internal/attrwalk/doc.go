// Package attrwalk applies log/slog's attribute rules once, for every encoder of this module.
//
// The rules, as slog's built-in handlers apply them: a LogValuer is resolved (repeatedly)
// before anything else looks at it; ReplaceAttr is called for every non-group attribute,
// with the groups it is in, and its result resolved again; an empty Attr is dropped; a group
// with an empty key is inlined into its parent; a group none of whose members survives is
// dropped.
//
// A Walker is an iterator, not a visitor: the encoder pulls events (Open, Leaf, Close) from
// it. That keeps the encoder's state on its own stack: a visitor called through an
// interface would make every encoder's state escape to the heap, one allocation per record
// on paths tuned to have none.
package attrwalk
