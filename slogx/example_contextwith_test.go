package slogx_test

import (
	"context"
	"log/slog"
	"os"

	"github.com/slogx/handlers/slogx"
)

// A middleware stores the request's attributes in its context once; every record logged
// with that context carries them, at the top level even in a group.
func ExampleContextWith() {
	logger := slog.New(slogx.ContextAttrs(slogx.NewHandler(os.Stdout, memoryExampleOptions(nil)), nil))

	ctx := slogx.ContextWith(context.Background(), slog.String("request_id", "7f3a"))
	ctx = slogx.ContextWith(ctx, slog.String("user", "ana")) // added to what is there
	logger.InfoContext(ctx, "request", "path", "/users")
	logger.WithGroup("db").InfoContext(ctx, "query", "rows", 3)
	// Output:
	// level=INFO msg=request path=/users request_id=7f3a user=ana
	// level=INFO msg=query db.rows=3 request_id=7f3a user=ana
}
