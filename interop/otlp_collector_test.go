package interop

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configgrpc"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/receiver/receivertest"
)

// otlpReceiver is the OpenTelemetry Collector's own OTLP receiver, HTTP only, in process, on
// a loopback address, feeding a LogsSink.
type otlpReceiver struct {
	addr string
	sink *consumertest.LogsSink
	r    receiver.Logs
}

// otlpFreeAddr returns a loopback address nobody listens on (yet).
func otlpFreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startOTLPReceiver starts a receiver on addr delivering into sink (a new one when nil).
func startOTLPReceiver(t testing.TB, addr string, sink *consumertest.LogsSink) *otlpReceiver {
	t.Helper()
	if sink == nil {
		sink = new(consumertest.LogsSink)
	}
	f := otlpreceiver.NewFactory()
	cfg := f.CreateDefaultConfig().(*otlpreceiver.Config)
	cfg.Protocols.GRPC = configoptional.None[configgrpc.ServerConfig]()
	cfg.Protocols.HTTP.GetOrInsertDefault().ServerConfig.NetAddr.Endpoint = addr
	r, err := f.CreateLogs(context.Background(), receivertest.NewNopSettings(f.Type()), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	rc := &otlpReceiver{addr: addr, sink: sink, r: r}
	t.Cleanup(rc.stop)
	return rc
}

func (rc *otlpReceiver) url() string { return "http://" + rc.addr + "/v1/logs" }

// stop shuts the receiver down (idempotent).
func (rc *otlpReceiver) stop() {
	if rc.r != nil {
		_ = rc.r.Shutdown(context.Background())
		rc.r = nil
	}
}

// otlpRecords returns every log record the sink holds, with its resource's service.name and
// its scope's name.
type otlpGot struct {
	service, scope string
	rec            plog.LogRecord
}

func otlpRecords(sink *consumertest.LogsSink) []otlpGot {
	var out []otlpGot
	for _, ld := range sink.AllLogs() {
		for i := range ld.ResourceLogs().Len() {
			rl := ld.ResourceLogs().At(i)
			svc, _ := rl.Resource().Attributes().Get("service.name")
			for j := range rl.ScopeLogs().Len() {
				sl := rl.ScopeLogs().At(j)
				for k := range sl.LogRecords().Len() {
					out = append(out, otlpGot{service: svc.AsString(), scope: sl.Scope().Name(), rec: sl.LogRecords().At(k)})
				}
			}
		}
	}
	return out
}

// otlpWaitCount waits until the sink holds n records (10 s at most).
func otlpWaitCount(t testing.TB, sink *consumertest.LogsSink, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for sink.LogRecordCount() < n {
		if time.Now().After(deadline) {
			t.Fatalf("receiver has %d records, want %d", sink.LogRecordCount(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// otlpFlaky is a proxy in front of a receiver that answers the first n requests with 503
// and a Retry-After, and records when each request arrived.
type otlpFlaky struct {
	*httptest.Server
	mu    sync.Mutex
	fail  int
	times []time.Time
	codes []int
}

func newOTLPFlaky(t testing.TB, target string, fail int, retryAfter string) *otlpFlaky {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &otlpFlaky{fail: fail}
	proxy := httputil.NewSingleHostReverseProxy(u)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.times = append(p.times, time.Now())
		fail := p.fail > 0
		if fail {
			p.fail--
			p.codes = append(p.codes, 503)
		} else {
			p.codes = append(p.codes, 200)
		}
		p.mu.Unlock()
		if fail {
			w.Header().Set("Retry-After", retryAfter)
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *otlpFlaky) log() ([]time.Time, []int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.times...), append([]int(nil), p.codes...)
}
