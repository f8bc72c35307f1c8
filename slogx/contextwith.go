package slogx

import (
	"context"
	"log/slog"
	"slices"
)

// contextWithKey is the context key of the attributes ContextWith stores.
type contextWithKey struct{}

// ContextWith returns a copy of ctx carrying attrs after those ctx already carries (from an
// earlier ContextWith): a middleware stores a request id once, and every record logged with
// the context through ContextAttrs(h, nil) carries it, at the top level of the record. The
// attributes ctx carries are not modified: contexts derived from it in other goroutines keep
// theirs. ContextWith allocates (a new slice and a context); reading the attributes back in
// ContextAttrs does not. With no attrs it returns ctx.
func ContextWith(ctx context.Context, attrs ...slog.Attr) context.Context {
	if len(attrs) == 0 {
		return ctx
	}
	// Clip: an append never writes into the parent's array, however it was grown.
	as := append(slices.Clip(contextWithAttrs(ctx)), attrs...)
	return context.WithValue(ctx, contextWithKey{}, as)
}

// contextWithAttrs returns the attributes ContextWith stored in ctx, without allocating.
func contextWithAttrs(ctx context.Context) []slog.Attr {
	as, _ := ctx.Value(contextWithKey{}).([]slog.Attr)
	return as
}
