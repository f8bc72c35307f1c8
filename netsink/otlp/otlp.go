package otlp

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/slogx/handlers/internal/attrwalk"
	"github.com/slogx/handlers/internal/jsonstr"
	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/deliver"
	"github.com/slogx/handlers/netsink/internal/netaddr"
	"github.com/slogx/handlers/slogx"
)

// Options configures New. The zero value sends protobuf to the endpoint OTel's
// environment variables name, or to http://localhost:4318/v1/logs.
//
// Explicit options win over the environment, as in OTel's own exporters: URL over
// OTEL_EXPORTER_OTLP_LOGS_ENDPOINT over OTEL_EXPORTER_OTLP_ENDPOINT (+ "/v1/logs"); Headers
// over OTEL_EXPORTER_OTLP_LOGS_HEADERS over OTEL_EXPORTER_OTLP_HEADERS (key by key); Resource
// over OTEL_SERVICE_NAME over OTEL_RESOURCE_ATTRIBUTES over the program's name as
// service.name (attribute by attribute); Protocol over OTEL_EXPORTER_OTLP_LOGS_PROTOCOL over
// OTEL_EXPORTER_OTLP_PROTOCOL over http/protobuf (grpc is refused); Compression over
// OTEL_EXPORTER_OTLP_LOGS_COMPRESSION over OTEL_EXPORTER_OTLP_COMPRESSION over none.
type Options struct {
	// URL is the full logs endpoint, http:// or https:// (".../v1/logs"). Empty means the
	// environment's, then http://localhost:4318/v1/logs.
	URL string

	// Headers are set on every request (an API key). Names must be tokens, values free of
	// CR, LF and NUL.
	Headers map[string]string

	// Resource is the Resource's attributes, typed as the records' (groups become kvlists).
	// A service.name here overrides OTEL_SERVICE_NAME.
	Resource []slog.Attr

	// Scope is the InstrumentationScope's name. Empty means "github.com/slogx/handlers".
	Scope string

	// Protocol is "http/protobuf" or "http/json" (OTLP's JSON mapping). Empty means the
	// environment's (OTEL_EXPORTER_OTLP_LOGS_PROTOCOL, then OTEL_EXPORTER_OTLP_PROTOCOL),
	// then "http/protobuf": an explicit value is not overridden by the environment.
	Protocol string

	// Compression of request bodies: "gzip" or "none". Empty means the environment's
	// (OTEL_EXPORTER_OTLP_LOGS_COMPRESSION, then OTEL_EXPORTER_OTLP_COMPRESSION), then
	// "none": an explicit "none" is not overridden by the environment.
	Compression string

	// TLS configures https; nil means Go's defaults.
	TLS *tls.Config

	// TraceContext returns the trace id, span id and trace flags of the span in ctx, the
	// context the log call passed to Handle (slog's InfoContext and the like). With
	// go.opentelemetry.io/otel/trace:
	//
	//	func(ctx context.Context) ([16]byte, [8]byte, byte, bool) {
	//		sc := trace.SpanContextFromContext(ctx)
	//		return sc.TraceID(), sc.SpanID(), byte(sc.TraceFlags()), sc.IsValid()
	//	}
	//
	// It is called on the logging goroutine, once per record, and must not allocate if
	// Handle is to stay allocation-free. Nil, or an all-zero trace id, sends no ids.
	TraceContext func(ctx context.Context) (traceID [16]byte, spanID [8]byte, flags byte, ok bool)

	// RequestTimeout bounds one request, response included. Zero means 10 s (OTel's default).
	RequestTimeout time.Duration

	// Delivery holds the records waiting to be sent and says how they are batched (a batch
	// is one request: BatchRecords zero means 512, OTel's batch processor; BatchBytes 256
	// KiB of encoded records), retried and bounded at Close. A network error or a transient
	// status (429, 502, 503, 504) is retried; MaxRetries zero means 6 (with the default
	// Backoff, about the minute OTel's exporters retry for). A server's Retry-After (seconds
	// or an HTTP date, at most 5 minutes) makes a wait longer, never shorter.
	netsink.Delivery

	now func() time.Time // tests: the clock of the backoff, Retry-After and observed times
}

// Handler is a slog.Handler that exports records to an OpenTelemetry Collector (or any OTLP/HTTP
// logs receiver): POST /v1/logs, one ExportLogsServiceRequest per batch, protobuf unless
// Protocol is http/json.
//
// Each record becomes a LogRecord: time_unix_nano the record's time (left out when zero),
// observed_time_unix_nano the time of Handle, severity_number from the level (DEBUG 5,
// INFO 9, WARN 13, ERROR 17, Python's CRITICAL = slog 12 21, levels in between inside the
// OTel ranges), severity_text slog's level name ("INFO", "WARN+2"), body the message, the
// attributes typed (see the mapping below), trace_id, span_id and flags from
// Options.TraceContext, and with slogx.Options.AddSource the semantic conventions'
// code.function.name, code.file.path and code.line.number. Options.ReplaceAttr applies to the
// attributes, not to those fixed fields; Options.Encoder is not used.
//
// Attribute values: string, bool, float64 as themselves; int64 and time.Duration
// (nanoseconds) as int; uint64 as int, or a decimal string above math.MaxInt64; time.Time as
// an RFC 3339 string with nanoseconds; groups as kvlists; []byte as bytes; slices and arrays
// as arrays; maps with string keys as kvlists; errors and fmt.Stringers as strings; other
// values as their JSON text.
//
// Handle encodes the record and queues it, without allocating and without network I/O; one
// goroutine sends batches in order. Loss: a record is lost only when the buffer is full, when
// its batch failed after the retries (other 4xx and 5xx statuses fail at once), when the
// receiver rejected it in a partial success, or when Close gave up; each loss is counted in
// Stats (Errors for a failed batch, Dropped for the rest, rejected records included) and
// reported once through Options.OnError. Delivery is at least once: a request that timed out
// may have been accepted and is sent again.
//
// Stats: Records counts records the receiver accepted (rejected ones taken off), Bytes the
// request bodies sent (compressed when gzipped). Flush waits until every record handled
// before it is settled, or ctx ends. Close flushes within Delivery.CloseTimeout and stops the sender;
// it is idempotent.
type Handler struct {
	*slogx.Handler
}

// New returns an OTLP handler. It reads the environment, validates everything (URL,
// headers, resource) and starts the sender goroutine; it does not connect. Close it to
// deliver what is buffered.
func New(o Options, opts *slogx.Options) (*Handler, error) {
	t, err := otlpNewTransport(&o)
	if err != nil {
		return nil, err
	}
	var ho slogx.Options
	if opts != nil {
		ho = *opts
	}
	ho.Encoder = newOTLPEncoder(t.json, o.TraceContext, o.now)
	ho.NoTerminator = true // the transport frames records
	eo, err := deliver.FromDelivery(t.name, o.Delivery, deliver.Defaults{BatchRecords: 512, MaxRetries: 6})
	if err != nil {
		return nil, err
	}
	eo.Now = o.now
	h, err := slogx.Open(&ho, func(rep *slogx.Reporter) (io.Writer, error) {
		t.rep = rep
		return &otlpSink{Engine: deliver.New(t, rep, eo), t: t}, nil
	})
	if err != nil {
		return nil, err
	}
	return &Handler{Handler: h}, nil
}

// otlpSink is the handler's writer: the delivery engine, with the counts of the transport.
type otlpSink struct {
	*deliver.Engine
	t *otlpTransport
}

// Delivered returns the records the receiver accepted and the request bytes sent.
func (s *otlpSink) Delivered() (records, bytes uint64) {
	r, _ := s.Engine.Delivered()
	return r - min(s.t.rejected.Load(), r), s.t.wire.Load()
}

// Close delivers what is buffered within CloseTimeout and stops the sender.
func (s *otlpSink) Close() error {
	err := s.Engine.Close()
	s.t.release()
	return err
}

// otlpNewTransport resolves o against the environment, in place, and validates it.
func otlpNewTransport(o *Options) (*otlpTransport, error) {
	if o.now == nil {
		o.now = time.Now
	}
	if o.URL == "" {
		o.URL = otlpEndpoint()
	}
	u, err := url.Parse(o.URL)
	if err != nil {
		return nil, fmt.Errorf("netsink: otlp url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("netsink: otlp url %q: scheme must be http or https", o.URL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("netsink: otlp url %q: no host", o.URL)
	}
	name := "netsink: otlp " + u.Redacted()
	protocol, err := otlpSetting(name, "Protocol", o.Protocol, "http/protobuf", "http/protobuf", "http/json")
	if err != nil {
		return nil, err
	}
	json := protocol == "http/json"
	compression, err := otlpSetting(name, "Compression", o.Compression, "none", "gzip", "none")
	if err != nil {
		return nil, err
	}
	gzip := compression == "gzip"
	headers, err := otlpHeaders(o.Headers)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	resource, err := otlpResource(o.Resource)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if o.Scope == "" {
		o.Scope = "github.com/slogx/handlers"
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 10 * time.Second
	}
	t := &otlpTransport{name: name, url: u.String(), json: json, gzip: gzip, headers: headers,
		timeout: o.RequestTimeout, now: o.now}
	t.resource, t.scope = otlpResourceBytes(resource, json), otlpScopeBytes(o.Scope, json)
	t.own = http.DefaultTransport.(*http.Transport).Clone()
	if o.TLS != nil {
		t.own.TLSClientConfig = o.TLS.Clone()
	}
	t.client = &http.Client{
		Transport: t.own,
		// A redirect is an error: records and headers (API keys) go only where configured.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return t, nil
}

// otlpSetting resolves the option named option by OTel's rule: its value when set, then the
// environment (OTEL_EXPORTER_OTLP_LOGS_<NAME>, then OTEL_EXPORTER_OTLP_<NAME>), then def.
// A value outside allowed is refused, naming where it came from.
func otlpSetting(name, option, explicit, def string, allowed ...string) (string, error) {
	v, from := explicit, option
	env := strings.ToUpper(option)
	for _, e := range []string{"OTEL_EXPORTER_OTLP_LOGS_" + env, "OTEL_EXPORTER_OTLP_" + env} {
		if v != "" {
			break
		}
		v, from = strings.TrimSpace(os.Getenv(e)), e
	}
	if v == "" {
		return def, nil
	}
	if !slices.Contains(allowed, v) {
		return "", fmt.Errorf("%s: %s=%q: want %s", name, from, v, strings.Join(allowed, " or "))
	}
	return v, nil
}

// otlpEndpoint is the logs endpoint the environment names, or OTLP/HTTP's default.
func otlpEndpoint() string {
	if ep := strings.TrimSpace(os.Getenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")); ep != "" {
		return ep // a signal-specific endpoint is used as is
	}
	if ep := strings.TrimSpace(os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT")); ep != "" {
		return strings.TrimRight(ep, "/") + "/v1/logs"
	}
	return "http://localhost:4318/v1/logs"
}

// otlpHeaders merges the environment's headers with explicit ones and validates them all.
func otlpHeaders(explicit map[string]string) ([][2]string, error) {
	m := map[string]string{}
	for _, v := range []string{"OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_LOGS_HEADERS"} {
		kvs, err := otlpParseList(v)
		if err != nil {
			return nil, err
		}
		for _, kv := range kvs {
			m[http.CanonicalHeaderKey(kv[0])] = kv[1]
		}
	}
	for k, v := range explicit {
		m[http.CanonicalHeaderKey(k)] = v
	}
	out := make([][2]string, 0, len(m))
	for k, v := range m {
		if !netaddr.ValidHeaderName(k) {
			return nil, fmt.Errorf("header name %q is not a token", k)
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return nil, fmt.Errorf("header %s: value contains CR, LF or NUL", k)
		}
		out = append(out, [2]string{k, v})
	}
	slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return out, nil
}

// otlpParseList parses the environment variable v, a W3C Baggage-like list
// "key1=value1,key2=value2" with percent-encoded values, as OTel's specification defines
// for OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES.
func otlpParseList(v string) ([][2]string, error) {
	s := os.Getenv(v)
	var out [][2]string
	for item := range strings.SplitSeq(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		k, val, ok := strings.Cut(item, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("%s: %q is not key=value", v, item)
		}
		dec, err := url.PathUnescape(strings.TrimSpace(val))
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", v, k, err)
		}
		out = append(out, [2]string{k, dec})
	}
	return out, nil
}

// otlpResource is the Resource's attributes: service.name (the program's name), then
// OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME and the explicit ones, later ones replacing
// earlier ones with the same key.
func otlpResource(explicit []slog.Attr) ([]slog.Attr, error) {
	prog := filepath.Base(os.Args[0])
	prog = strings.TrimSuffix(prog, ".exe")
	if prog == "" || prog == "." || prog == string(filepath.Separator) {
		prog = "unknown_service"
	}
	as := []slog.Attr{slog.String("service.name", prog)}
	set := func(a slog.Attr) {
		if i := slices.IndexFunc(as, func(b slog.Attr) bool { return b.Key == a.Key }); i >= 0 {
			as[i] = a
		} else {
			as = append(as, a)
		}
	}
	env, err := otlpParseList("OTEL_RESOURCE_ATTRIBUTES")
	if err != nil {
		return nil, err
	}
	for _, kv := range env {
		set(slog.String(kv[0], kv[1]))
	}
	if s := strings.TrimSpace(os.Getenv("OTEL_SERVICE_NAME")); s != "" {
		set(slog.String("service.name", s))
	}
	for _, a := range explicit {
		if a.Key == "" {
			return nil, fmt.Errorf("resource attribute with an empty key")
		}
		set(a)
	}
	return as, nil
}

// otlpResourceBytes encodes the Resource message (or JSON object), through the walker as
// records' attributes are (ReplaceAttr aside: the resource is not a record's).
func otlpResourceBytes(as []slog.Attr, json bool) []byte {
	w := otlpWriter{json: json}
	if json {
		w.b = append(w.b, `{"attributes":[`...)
	}
	var wk attrwalk.Walker
	wk.Begin(attrwalk.Rules{SourceGroups: true}, nil, 0)
	n := 0
	for _, a := range as {
		wk.Add(a)
		n += w.pairs(&wk, otlpResourceAttributes, n)
	}
	wk.End()
	if json {
		w.b = append(w.b, ']', '}')
	}
	return w.b
}

// otlpScopeBytes encodes the InstrumentationScope message (or JSON object).
func otlpScopeBytes(name string, json bool) []byte {
	if json {
		b := append([]byte(`{"name":`), jsonstr.Append(nil, name)...)
		return append(b, '}')
	}
	return pbString(nil, otlpScopeName, name)
}
