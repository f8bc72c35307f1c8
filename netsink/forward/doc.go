// Package forward sends log/slog records to Fluentd, Fluent Bit, Vector or the OpenTelemetry
// Collector's fluentforward receiver over Fluent's Forward protocol v1: PackedForward
// batches (optionally gzipped), EventTime with nanoseconds, chunk acknowledgements with
// replay of what was not acknowledged, the shared-key handshake and TLS.
//
//	h, err := forward.New("fluentd:24224", forward.Options{Tag: "app.checkout"}, nil)
//	if err != nil {
//		return err
//	}
//	defer h.Close()
//	slog.SetDefault(slog.New(h))
//
// A log call never waits for the network: records go through a bounded buffer to one sender
// goroutine (netsink.Delivery configures it) that connects lazily, reconnects on Python's
// backoff and frees records only when the server acknowledged them. Everything read from the
// server — handshake and acks — is bounded in size, depth and time. New validates everything
// and does not connect.
package forward
