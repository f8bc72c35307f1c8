package otlp_test

import (
	"context"
	"log"
	"log/slog"
	"time"

	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/slogx"
)

// Records go to an OpenTelemetry Collector's OTLP/HTTP receiver. With no URL, the
// OTEL_EXPORTER_OTLP_* environment variables name it (http://localhost:4318/v1/logs by
// default); OTEL_SERVICE_NAME names the service.
func ExampleNew() {
	h, err := otlp.New(otlp.Options{
		URL:         "http://127.0.0.1:4318/v1/logs",
		Resource:    []slog.Attr{slog.String("service.name", "checkout"), slog.String("service.version", "1.4.2")},
		Compression: "gzip",
		// TraceContext: func(ctx context.Context) ([16]byte, [8]byte, byte, bool) {
		// 	sc := trace.SpanContextFromContext(ctx) // go.opentelemetry.io/otel/trace
		// 	return sc.TraceID(), sc.SpanID(), byte(sc.TraceFlags()), sc.IsValid()
		// },
	}, &slogx.Options{Level: slog.LevelDebug})
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close() // delivers what is buffered, within CloseTimeout
	logger := slog.New(h)
	logger.InfoContext(context.Background(), "order placed", "order", 1042, "total", 99.5,
		slog.Group("customer", "id", "c-7", "tier", "gold"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = h.Flush(ctx) // at a point where the records must be out: before exit, say
}
