package slogx

import (
	"log/slog"
	"strings"
)

// redacted replaces the value of an attribute Redact names.
const redacted = "[REDACTED]"

// Redact returns a ReplaceAttr function (for Options.ReplaceAttr or
// slog.HandlerOptions.ReplaceAttr) that replaces with the string "[REDACTED]" the value of
// every attribute whose key is one of keys, compared case-insensitively (strings.EqualFold),
// at any depth: "password" matches Password at the top level and req.auth.PASSWORD alike.
// The key is kept, so the output shows that a value was there.
//
// Every attribute inside a group one of keys names is redacted too: with Redact("auth"),
// auth.user and auth.token both show "[REDACTED]". Handlers call ReplaceAttr for leaves
// only, with the names of the groups around them, and that is how such a group is
// recognised. LogValuers are resolved before the check, so a struct whose LogValue returns a
// group holding a "password" cannot carry it out; a value that resolves to a group (when
// ReplaceAttr is called by a handler that does not resolve, or from ChainReplace) has its
// members redacted the same way.
//
// Attributes that match nothing are returned as they are, resolved, and cost no allocation.
// The keys are copied; with no keys Redact returns a function that only resolves.
func Redact(keys ...string) func(groups []string, a slog.Attr) slog.Attr {
	ks := append([]string(nil), keys...)
	return func(groups []string, a slog.Attr) slog.Attr {
		a.Value = a.Value.Resolve()
		for _, g := range groups {
			if matchKey(ks, g) {
				return redactAttr(a)
			}
		}
		a, _ = redactIn(ks, a)
		return a
	}
}

// redactIn redacts a if its key is one of ks, and the members of a group that match,
// copying the group only when one does. changed reports whether anything was redacted.
func redactIn(ks []string, a slog.Attr) (_ slog.Attr, changed bool) {
	if matchKey(ks, a.Key) {
		return redactAttr(a), true
	}
	if a.Value.Kind() != slog.KindGroup {
		return a, false
	}
	members := a.Value.Group()
	var out []slog.Attr
	for i, m := range members {
		m.Value = m.Value.Resolve()
		r, ch := redactIn(ks, m)
		if ch && out == nil {
			out = append(make([]slog.Attr, 0, len(members)), members[:i]...)
		}
		if out != nil {
			out = append(out, r)
		}
	}
	if out == nil {
		return a, false
	}
	return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}, true
}

// redactAttr is a with its value redacted; a group loses its members, and with them the
// secret.
func redactAttr(a slog.Attr) slog.Attr {
	return slog.String(a.Key, redacted)
}

func matchKey(ks []string, key string) bool {
	for _, k := range ks {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// ChainReplace returns a ReplaceAttr function applying fns in order, each to the result of
// the one before, as one ReplaceAttr: slogx.ChainReplace(slogx.Redact("password"),
// renameTime). Each result is resolved before the next function sees it, as handlers resolve
// what ReplaceAttr returns, and a function that removes the attribute (returns the zero
// Attr) ends the chain. Nil functions are skipped; with none ChainReplace returns nil (no
// ReplaceAttr) and with one it returns that function.
func ChainReplace(fns ...func(groups []string, a slog.Attr) slog.Attr) func(groups []string, a slog.Attr) slog.Attr {
	var chain []func([]string, slog.Attr) slog.Attr
	for _, f := range fns {
		if f != nil {
			chain = append(chain, f)
		}
	}
	switch len(chain) {
	case 0:
		return nil
	case 1:
		return chain[0]
	}
	return func(groups []string, a slog.Attr) slog.Attr {
		for _, f := range chain {
			a = f(groups, a)
			if a.Equal(slog.Attr{}) {
				return a
			}
			a.Value = a.Value.Resolve()
		}
		return a
	}
}
