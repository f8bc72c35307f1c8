package netsink

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/slogx/handlers/internal/buffer"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/internal/wire"
	"github.com/slogx/handlers/slogx"
)

// BenchmarkEncodeRecord: the Msgpack encoder appending into a pooled buffer.
func BenchmarkEncodeRecord(b *testing.B) {
	enc := wire.New().WithAttrs([]slog.Attr{slog.String("service", "api")}).WithGroup("req")
	r := nettest.BenchRecord()
	b.ReportAllocs()
	for b.Loop() {
		buf := buffer.Get()
		*buf = enc.Append((*buf)[:0], r)
		buffer.Put(buf)
	}
}

// BenchmarkEncodeRecordReplaceAttr: the Scope path taken when ReplaceAttr is set.
func BenchmarkEncodeRecordReplaceAttr(b *testing.B) {
	enc := wire.New().WithOptions(slogx.EncoderOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { return a }}).
		WithAttrs([]slog.Attr{slog.String("service", "api")}).WithGroup("req")
	r := nettest.BenchRecord()
	b.ReportAllocs()
	for b.Loop() {
		buf := buffer.Get()
		*buf = enc.Append((*buf)[:0], r)
		buffer.Put(buf)
	}
}

func BenchmarkDecodeRecord(b *testing.B) {
	enc := wire.New().WithAttrs([]slog.Attr{slog.String("service", "api")}).WithGroup("req")
	p := enc.Append(nil, nettest.BenchRecord())
	b.ReportAllocs()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if _, err := wire.DecodeRecord(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONHandlerReference is slog.JSONHandler on the same record, for scale.
func BenchmarkJSONHandlerReference(b *testing.B) {
	h := slog.NewJSONHandler(io.Discard, nil).WithAttrs([]slog.Attr{slog.String("service", "api")}).WithGroup("req")
	r := nettest.BenchRecord()
	b.ReportAllocs()
	for b.Loop() {
		_ = h.Handle(context.Background(), r)
	}
}

func BenchmarkPickleRecord(b *testing.B) {
	p := wireHex(b, wirePickleSeeds[0])
	b.ReportAllocs()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if _, err := wirePickleRecord(p); err != nil {
			b.Fatal(err)
		}
	}
}
