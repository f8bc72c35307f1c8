package otlptest

import (
	"net/http"
	"time"
)

// Record is one log record a Receiver decoded. Values (Body, and those of Attributes and
// Resource) are string, bool, int64, float64, []byte, []any (an array), map[string]any (a
// key-value list), or nil for an empty value.
type Record struct {
	Time         time.Time // time_unix_nano; zero when 0 (unknown)
	ObservedTime time.Time // observed_time_unix_nano; zero when 0
	// SeverityNumber is OTLP's 1 (TRACE) to 24 (FATAL4), 0 when unspecified.
	SeverityNumber int
	SeverityText   string
	Body           any
	Attributes     map[string]any
	// AttributeKeys lists the keys of Attributes in the order they were sent, repeats
	// included (Attributes keeps the last value of a repeated key).
	AttributeKeys []string
	// Resource holds the attributes of the record's resource; records of one ResourceLogs
	// share the map.
	Resource     map[string]any
	Scope        string // the instrumentation scope's name
	ScopeVersion string
	TraceID      string // lower-case hex of the 16 bytes, "" when absent
	SpanID       string // lower-case hex of the 8 bytes, "" when absent
	Flags        uint32
	EventName    string
}

// Request is one export request a Receiver answered.
type Request struct {
	Path      string
	Header    http.Header
	JSON      bool   // application/json, else application/x-protobuf
	WireBytes int    // the body's length as sent (compressed, when it was)
	Body      []byte // the body, decompressed
	Records   []Record
	Status    int   // the status answered (0 when the connection was closed instead)
	Err       error // why the body could not be read or decoded; answered 4xx
}
