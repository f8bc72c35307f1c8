package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/slogx/handlers/examples/internal/standin"
	"github.com/slogx/handlers/netsink/forward"
	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/slogx"
)

// demoScale sends the same records over Fluent Forward and OTLP to embedded stand-ins of
// Fluent Bit and the OpenTelemetry Collector (interop/ runs the Collector's real receivers).
func demoScale(out io.Writer, _ string) error {
	fwd, err := standin.NewForward()
	if err != nil {
		return err
	}
	defer fwd.Close()
	col := standin.NewOTLP()
	defer col.Close()

	f, err := forward.New(fwd.Addr(), forward.Options{Tag: "demo", Compress: true}, nil)
	if err != nil {
		return err
	}
	o, err := otlp.New(otlp.Options{URL: col.URL(), Resource: []slog.Attr{slog.String("service.name", "slogx-demo")}}, nil)
	if err != nil {
		f.Close()
		return err
	}
	logger := slog.New(slogx.Fanout(f, o)).With("region", "eu")
	logger.Info("order placed", "order", 1042, slog.Group("customer", "id", "c-7"))
	logger.Warn("stock low", "sku", "A-1", "left", 3)
	h := logger.Handler()
	if err := slogx.Close(h); err != nil { // delivers (acknowledged) before it returns
		return err
	}
	fs, ost := f.Stats(), o.Stats()
	fmt.Fprintf(out, "forward (gzip, chunk acks) -> %s: %q; Records %d (acknowledged)\n", fwd.Addr(), fwd.All(), fs.Records)
	fmt.Fprintf(out, "otlp (protobuf) -> %s: %q; Records %d (2xx)\n", col.URL(), col.All(), ost.Records)
	return nil
}
