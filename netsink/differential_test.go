package netsink

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink/internal/wire"
	"github.com/slogx/handlers/slogx"
)

// The differential suite: every attribute case of internal/testutil, through each encoder
// of this package, compared with slog.JSONHandler (see testutil.AttrCase).

// TestDifferentialMsgpack decodes what Msgpack wrote and compares its attribute tree with
// slog's JSON; and, where ReplaceAttr leaves the built-ins as they are, the whole record
// re-encoded by slog.JSONHandler with slog's own line.
func TestDifferentialMsgpack(t *testing.T) {
	for _, c := range testutil.AttrCases() {
		var buf bytes.Buffer
		c.Handle(t, slogx.NewHandler(&buf, &slogx.Options{Encoder: wire.New(), NoTerminator: true, ReplaceAttr: testutil.AttrsOnly(c.ReplaceAttr)}))
		dec, err := wire.DecodeRecord(buf.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		var tree []slog.Attr
		dec.Attrs(func(a slog.Attr) bool { tree = append(tree, a); return true })
		want := c.WantLeaves(t, "\x1f")
		if got := testutil.TreeLeaves(t, tree, "\x1f"); !slices.Equal(got, want) {
			t.Errorf("%s:\nslog:    %q\nmsgpack: %q", c.Name, want, got)
		}

		if c.RewritesBuiltins || c.SlogMisnests || c.SlogHollow {
			continue // msgpack has fields for the built-ins; slog's line is wrong; {} dropped
		}
		var std, round bytes.Buffer
		c.Handle(t, slog.NewJSONHandler(&std, &slog.HandlerOptions{ReplaceAttr: c.ReplaceAttr}))
		buf.Reset()
		c.Handle(t, slogx.NewHandler(&buf, &slogx.Options{Encoder: wire.New(), NoTerminator: true, ReplaceAttr: c.ReplaceAttr}))
		if dec, err = wire.DecodeRecord(buf.Bytes()); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if err := slog.NewJSONHandler(&round, nil).Handle(context.Background(), dec); err != nil {
			t.Fatal(err)
		}
		if round.String() != std.String() {
			t.Errorf("%s:\nslog:    %s\nmsgpack: %s", c.Name, std.String(), round.String())
		}
	}
}
