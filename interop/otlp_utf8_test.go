package interop

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"unicode/utf8"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	"google.golang.org/protobuf/proto"

	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/slogx"
)

// A proto3 string field holding invalid UTF-8 makes a strict decoder (Go's proto.Unmarshal
// with the generated OTLP types, python3-protobuf) refuse the whole request: one bad string
// would lose its batch. Each invalid byte is sent as U+FFFD, as OTLP JSON does.
func TestOTLPInvalidUTF8(t *testing.T) {
	var (
		mu   sync.Mutex
		reqs []*collogspb.ExportLogsServiceRequest
		bad  []error
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		req := &collogspb.ExportLogsServiceRequest{}
		err := proto.Unmarshal(body, req)
		mu.Lock()
		if err != nil {
			bad = append(bad, err)
		} else {
			reqs = append(reqs, req)
		}
		mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(nil)
	}))
	defer srv.Close()

	h, err := otlp.New(otlp.Options{URL: srv.URL + "/v1/logs",
		Resource: []slog.Attr{slog.String("service.\xffname", "a\xfeb")}}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	lg := slog.New(h)
	lg.Info("ok before")
	lg.Info("bad \xff message", "k\xc3ey", "v\xe2\x82lue", slog.Group("g", slog.String("s", "\x80")))
	lg.Info("ok after")
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bad) > 0 {
		t.Fatalf("the receiver refused requests: %v", bad)
	}
	var bodies []string
	attrs := map[string]string{}
	var walk func(prefix string, kvs []*commonpb.KeyValue)
	walk = func(prefix string, kvs []*commonpb.KeyValue) {
		for _, kv := range kvs {
			if g := kv.GetValue().GetKvlistValue(); g != nil {
				walk(prefix+kv.GetKey()+".", g.GetValues())
				continue
			}
			attrs[prefix+kv.GetKey()] = kv.GetValue().GetStringValue()
		}
	}
	for _, req := range reqs {
		for _, rl := range req.GetResourceLogs() {
			walk("resource:", rl.GetResource().GetAttributes())
			for _, sl := range rl.GetScopeLogs() {
				for _, lr := range sl.GetLogRecords() {
					bodies = append(bodies, lr.GetBody().GetStringValue())
					walk("", lr.GetAttributes())
				}
			}
		}
	}
	want := []string{"ok before", "bad \uFFFD message", "ok after"}
	if len(bodies) != len(want) {
		t.Fatalf("bodies %q, want %q", bodies, want)
	}
	for i := range want {
		if bodies[i] != want[i] {
			t.Errorf("body %d = %q, want %q", i, bodies[i], want[i])
		}
	}
	for k, v := range map[string]string{
		"k\uFFFDey": "v\uFFFD\uFFFDlue", "g.s": "\uFFFD", "resource:service.\uFFFDname": "a\uFFFDb",
	} {
		if got, ok := attrs[k]; !ok || got != v {
			t.Errorf("attribute %q = %q (present %v), want %q; all: %q", k, got, ok, v, attrs)
		}
	}
	for k, v := range attrs {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			t.Errorf("invalid UTF-8 arrived: %q=%q", k, v)
		}
	}
}
