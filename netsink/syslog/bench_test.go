package syslog

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

func syslogBenchRecord(sd bool) slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "request served", 0)
	r.AddAttrs(slog.String("method", "GET"), slog.Int("status", 200), slog.Duration("took", 1500*time.Microsecond),
		slog.String("path", "/api/v1/items"), slog.Bool("cached", true))
	if sd {
		r.AddAttrs(slog.Group("req@32473", slog.String("id", "abc123")))
	}
	return r
}

func BenchmarkSyslog(b *testing.B) {
	for _, bc := range []struct {
		name string
		o    Options
		sd   bool
		opts *slogx.Options
	}{
		{"RFC5424", Options{Format: RFC5424}, false, nil},
		{"RFC5424-SDGroup", Options{Format: RFC5424}, true, nil},
		{"RFC5424-AllSD", Options{Format: RFC5424, StructuredDataID: "slog@32473"}, false, nil},
		{"RFC5424-JSON", Options{Format: RFC5424}, false, &slogx.Options{Encoder: slogx.JSON()}},
		{"RFC3164", Options{Format: RFC3164}, false, nil},
		{"Python", Options{Format: Python}, false, nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h, err := syslogNewHandler(io.Discard, &bc.o, false, bc.opts)
			if err != nil {
				b.Fatal(err)
			}
			r := syslogBenchRecord(bc.sd)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				h.Handle(ctx, r)
			}
		})
	}
	// Through the real writer: framing and a syscall per record.
	b.Run("UDP-loopback", func(b *testing.B) {
		pc, err := listenUDPForBench(b)
		if err != nil {
			b.Fatal(err)
		}
		defer pc.Close()
		go drainForBench(pc)
		h, err := New(Options{Network: "udp", Addr: pc.LocalAddr().String()}, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer h.Close()
		r := syslogBenchRecord(false)
		b.ReportAllocs()
		for b.Loop() {
			h.Handle(context.Background(), r)
		}
	})
	b.Run("TCP-loopback-octets", func(b *testing.B) {
		srv := newBenchTCPSink(b)
		defer srv.Close()
		h, err := New(Options{Network: "tcp", Addr: srv.Addr().String()}, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer h.Close()
		r := syslogBenchRecord(false)
		b.ReportAllocs()
		for b.Loop() {
			h.Handle(context.Background(), r)
		}
	})
	b.Run("slog.JSONHandler-Discard", func(b *testing.B) {
		h := slog.NewJSONHandler(io.Discard, nil)
		r := syslogBenchRecord(false)
		b.ReportAllocs()
		for b.Loop() {
			h.Handle(context.Background(), r)
		}
	})
}
