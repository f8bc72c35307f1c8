package slogx

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
)

type ctxKey struct{}

// ctxEncoder writes the context's value before JSON's record.
type ctxEncoder struct{ Encoder }

func (e ctxEncoder) AppendContext(ctx context.Context, dst []byte, r slog.Record) []byte {
	if v, ok := ctx.Value(ctxKey{}).(string); ok {
		dst = append(dst, v...)
	}
	return e.Encoder.Append(dst, r)
}
func (e ctxEncoder) WithAttrs(as []slog.Attr) Encoder { return ctxEncoder{e.Encoder.WithAttrs(as)} }
func (e ctxEncoder) WithGroup(n string) Encoder       { return ctxEncoder{e.Encoder.WithGroup(n)} }
func (e ctxEncoder) WithOptions(o EncoderOptions) Encoder {
	return ctxEncoder{e.Encoder.WithOptions(o)}
}

// A ContextEncoder gets the ctx of Handle, on handlers derived with WithAttrs and WithGroup too.
func TestContextEncoder(t *testing.T) {
	var buf bytes.Buffer
	h := NewHandler(&buf, &Options{Encoder: ctxEncoder{JSON()}})
	ctx := context.WithValue(context.Background(), ctxKey{}, "T:")
	lg := slog.New(h)
	lg.InfoContext(ctx, "a")
	lg.With("k", 1).WithGroup("g").InfoContext(ctx, "b")
	lg.Info("c")
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) != 3 || !bytes.HasPrefix(lines[0], []byte("T:{")) || !bytes.HasPrefix(lines[1], []byte("T:{")) ||
		!bytes.HasPrefix(lines[2], []byte("{")) {
		t.Fatalf("%s", buf.Bytes())
	}
}
