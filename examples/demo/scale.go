package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/slogx/handlers/netsink/forward"
	"github.com/slogx/handlers/netsink/forward/forwardtest"
	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/netsink/otlp/otlptest"
	"github.com/slogx/handlers/slogx"
)

// demoScale sends the same records over Fluent Forward and OTLP to the test peers users
// import in their own tests, forwardtest and otlptest, standing in for Fluent Bit and the
// OpenTelemetry Collector (interop/ runs the Collector's real receivers). The collector
// refuses the first request (503, Retry-After: 0): the handler sends it again.
func demoScale(out io.Writer, _ string) error {
	fwd, err := forwardtest.Start(forwardtest.Options{})
	if err != nil {
		return err
	}
	defer fwd.Close()
	col := otlptest.Start(otlptest.Options{})
	defer col.Close()
	col.Respond(1, otlptest.Response{Status: 503, RetryAfter: "0"})

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
	fmt.Fprintf(out, "forward (gzip, chunk acks) -> forwardtest.Server %s: Records %d (acknowledged)\n", fwd.Addr(), fs.Records)
	for _, m := range fwd.Messages() {
		fmt.Fprintf(out, "  message %s, tag %q, %d entries, chunk %s acknowledged\n", m.Mode, m.Tag, m.Entries, m.Chunk)
	}
	for _, e := range fwd.Entries() {
		fmt.Fprintf(out, "  %s %v\n", e.Time.Format("15:04:05.000"), e.Record)
	}
	fmt.Fprintf(out, "otlp (protobuf) -> otlptest.Receiver %s: Records %d (2xx)\n", col.URL(), ost.Records)
	for _, r := range col.Requests() {
		fmt.Fprintf(out, "  request answered %d with %d records\n", r.Status, len(r.Records))
	}
	for _, r := range col.Records() {
		fmt.Fprintf(out, "  %s %s %q %v resource %v\n", r.Time.Format("15:04:05.000"), r.SeverityText, r.Body, r.Attributes, r.Resource)
	}
	return nil
}
