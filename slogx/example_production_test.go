package slogx_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/slogx/handlers/slogx"
)

// Sample caps a burst of identical records: per level and message, the first 2 of each second
// pass, then every 3rd. A record that is dropped is counted.
func ExampleSample() {
	h := slogx.Sample(slogx.NewHandler(os.Stdout, memoryExampleOptions(nil)),
		slogx.SampleOptions{Tick: time.Second, First: 2, Thereafter: 3})
	logger := slog.New(h)
	for i := 1; i <= 10; i++ {
		logger.Info("cache miss", "n", i)
	}
	logger.Warn("cache miss") // another level, other counters
	fmt.Println("dropped:", h.Stats().Dropped)
	// Output:
	// level=INFO msg="cache miss" n=1
	// level=INFO msg="cache miss" n=2
	// level=INFO msg="cache miss" n=5
	// level=INFO msg="cache miss" n=8
	// level=WARN msg="cache miss"
	// dropped: 6
}

type requestIDKey struct{}

// ContextAttrs adds what the context carries, here a request id set by a middleware, to
// every record logged with that context.
func ExampleContextAttrs() {
	requestAttrs := func(ctx context.Context) []slog.Attr {
		if id, ok := ctx.Value(requestIDKey{}).(string); ok {
			return []slog.Attr{slog.String("request_id", id)}
		}
		return nil
	}
	logger := slog.New(slogx.ContextAttrs(slogx.NewHandler(os.Stdout, memoryExampleOptions(nil)), requestAttrs))

	ctx := context.WithValue(context.Background(), requestIDKey{}, "7f3a")
	logger.InfoContext(ctx, "request", "path", "/users")
	logger.Info("idle") // no context: nothing added
	// Output:
	// level=INFO msg=request path=/users request_id=7f3a
	// level=INFO msg=idle
}

// Trace and span ids from OpenTelemetry. In a real program trace is the package
// go.opentelemetry.io/otel/trace and the five lines of otelAttrs are the same; here a stand-in
// of that API keeps OpenTelemetry out of this module.
func ExampleContextAttrs_openTelemetry() {
	var trace otelTraceStandIn // import "go.opentelemetry.io/otel/trace"

	otelAttrs := func(ctx context.Context) []slog.Attr {
		sc := trace.SpanContextFromContext(ctx)
		if !sc.IsValid() {
			return nil
		}
		return []slog.Attr{slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String())}
	}
	logger := slog.New(slogx.ContextAttrs(slogx.NewHandler(os.Stdout, memoryExampleOptions(nil)), otelAttrs))

	// In a real program the span comes from tracer.Start(ctx, "handle request").
	ctx := trace.ContextWithSpanContext(context.Background(), otelSpanContext{
		traceID: otelID("4bf92f3577b34da6a3ce929d0e0e4736"), spanID: otelID("00f067aa0ba902b7")})
	logger.InfoContext(ctx, "charged", "amount", 42)
	// Output:
	// level=INFO msg=charged amount=42 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7
}

// otelTraceStandIn has the two functions of go.opentelemetry.io/otel/trace the example uses.
type otelTraceStandIn struct{}

type otelSpanKey struct{}

func (otelTraceStandIn) SpanContextFromContext(ctx context.Context) otelSpanContext {
	sc, _ := ctx.Value(otelSpanKey{}).(otelSpanContext)
	return sc
}

func (otelTraceStandIn) ContextWithSpanContext(ctx context.Context, sc otelSpanContext) context.Context {
	return context.WithValue(ctx, otelSpanKey{}, sc)
}

// otelSpanContext stands for trace.SpanContext, otelID for trace.TraceID and trace.SpanID.
type otelSpanContext struct{ traceID, spanID otelID }

type otelID string

func (s otelSpanContext) IsValid() bool   { return s.traceID != "" && s.spanID != "" }
func (s otelSpanContext) TraceID() otelID { return s.traceID }
func (s otelSpanContext) SpanID() otelID  { return s.spanID }
func (id otelID) String() string          { return string(id) }

// LevelHandler changes a running program's level over HTTP, as zap's AtomicLevel does:
//
//	mux.Handle("/log/level", slogx.LevelHandler(&level))
//
//	curl localhost:8080/log/level                           # {"level":"INFO"}
//	curl -X PUT localhost:8080/log/level -d level=debug     # {"level":"DEBUG"} (curl -d sends a form)
//	curl -X PUT localhost:8080/log/level -d level=python:30 # {"level":"WARN"}
//	curl -X PUT localhost:8080/log/level -H 'Content-Type: application/json' -d '{"level":"ERROR"}
func ExampleLevelHandler() {
	var level slog.LevelVar // INFO
	logger := slog.New(slogx.NewHandler(os.Stdout, memoryExampleOptions(&level)))
	h := slogx.LevelHandler(&level)

	logger.Debug("hidden")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/log/level", strings.NewReader(`{"level":"DEBUG"}`)))
	fmt.Print(rec.Code, " ", rec.Body)
	logger.Debug("shown")

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/log/level", strings.NewReader(`{"level":"LOUD"}`)))
	fmt.Print(rec.Code, " ", rec.Body)
	// Output:
	// 200 {"level":"DEBUG"}
	// level=DEBUG msg=shown
	// 400 {"error":"level \"LOUD\": want DEBUG, INFO, WARN, WARNING, ERROR or CRITICAL (optionally +N or -N), an integer on slog's scale, or python:N"}
}
