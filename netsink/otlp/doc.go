// Package otlp exports log/slog records to an OpenTelemetry Collector, or any OTLP/HTTP
// logs receiver: one ExportLogsServiceRequest per batch, protobuf or OTLP's JSON, gzipped or
// not, configured by the options and then by OTel's environment variables as OTel's own
// exporters are.
//
//	h, err := otlp.New(otlp.Options{URL: "http://collector:4318/v1/logs",
//		Resource: []slog.Attr{slog.String("service.name", "checkout")}}, nil)
//	if err != nil {
//		return err
//	}
//	defer h.Close()
//	slog.SetDefault(slog.New(h))
//
// Levels map to OTel severities, attributes keep their types, and a TraceContext function
// links records to the span in the log call's context. A log call never waits for the
// network and does not allocate: records go through a bounded buffer to one sender goroutine
// (netsink.Delivery configures it) that retries network errors and transient statuses,
// honouring Retry-After. New reads the environment, validates everything and does not
// connect.
package otlp
