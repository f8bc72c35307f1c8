// Tests of forward.Handler against the OpenTelemetry Collector's fluentforward receiver, in
// process. (No doc.go here: the interop module is shared with the OTLP tests, and every file
// of this side is named forward_*.)

package interop

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/receiver/fluentforwardreceiver"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/forward"
	"github.com/slogx/handlers/slogx"
)

// fwdReceiver is the Collector's fluentforward receiver, in process, on a fixed loopback port
// so that it can be stopped and started again where the sender expects it.
type fwdReceiver struct {
	t    *testing.T
	addr string
	sink *consumertest.LogsSink
	rcv  receiver.Logs
}

func fwdFreePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func startFwdReceiver(t *testing.T, addr string, sink *consumertest.LogsSink) *fwdReceiver {
	t.Helper()
	f := fluentforwardreceiver.NewFactory()
	cfg := f.CreateDefaultConfig().(*fluentforwardreceiver.Config)
	cfg.ListenAddress = addr
	rcv, err := f.CreateLogs(context.Background(), receivertest.NewNopSettings(f.Type()), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := rcv.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	r := &fwdReceiver{t: t, addr: addr, sink: sink, rcv: rcv}
	t.Cleanup(r.stop)
	return r
}

func (r *fwdReceiver) stop() {
	if r.rcv != nil {
		if err := r.rcv.Shutdown(context.Background()); err != nil {
			r.t.Error(err)
		}
		r.rcv = nil
	}
}

// fwdRecords flattens what the sink received.
func fwdRecords(sink *consumertest.LogsSink) []plog.LogRecord {
	var out []plog.LogRecord
	for _, ld := range sink.AllLogs() {
		for i := range ld.ResourceLogs().Len() {
			sls := ld.ResourceLogs().At(i).ScopeLogs()
			for j := range sls.Len() {
				lrs := sls.At(j).LogRecords()
				for k := range lrs.Len() {
					out = append(out, lrs.At(k))
				}
			}
		}
	}
	return out
}

func fwdFlush(t *testing.T, h interface{ Flush(context.Context) error }) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := h.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// Thousands of records arrive in the receiver with message (the body), level, every
// attribute with its type, groups as maps, the tag, and the time to the nanosecond.
func TestForwardIntoFluentForwardReceiver(t *testing.T) {
	for _, compress := range []bool{false, true} {
		t.Run(fmt.Sprintf("compress=%v", compress), func(t *testing.T) {
			sink := new(consumertest.LogsSink)
			r := startFwdReceiver(t, fwdFreePort(t), sink)
			f, err := forward.New(r.addr, forward.Options{Tag: "slogx.interop", Compress: compress}, &slogx.Options{Level: slog.LevelDebug})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			const n = 5000
			base := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
			lg := slog.New(f).With("svc", "api").WithGroup("req")
			levels := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError}
			start := time.Now()
			for i := range n {
				rec := slog.NewRecord(base.Add(time.Duration(i)*time.Microsecond+time.Duration(i%1000)), levels[i%4], fmt.Sprintf("record %d", i), 0)
				rec.AddAttrs(slog.Int("i", i), slog.String("path", "/v1/users"), slog.Float64("ratio", 0.25),
					slog.Bool("ok", i%2 == 0), slog.Duration("took", 1500*time.Microsecond),
					slog.Group("user", slog.String("name", "ada"), slog.Group("org", slog.Int("id", 7))),
					slog.Any("tags", []string{"a", "b"}), slog.Any("obj", struct{ K int }{i}))
				if err := lg.Handler().Handle(context.Background(), rec); err != nil {
					t.Fatal(err)
				}
			}
			fwdFlush(t, f)
			el := time.Since(start)
			t.Logf("%d records acknowledged by the receiver in %v: %.0f records/s", n, el, n/el.Seconds())
			if st := f.Stats(); st.Records != n || st.Errors != 0 || st.Dropped != 0 {
				t.Errorf("stats %+v", st)
			}
			got := fwdRecords(sink)
			if len(got) != n {
				t.Fatalf("receiver got %d records, want %d", len(got), n)
			}
			for i, lr := range got {
				wantTime := base.Add(time.Duration(i)*time.Microsecond + time.Duration(i%1000))
				if ts := lr.Timestamp().AsTime(); !ts.Equal(wantTime) {
					t.Fatalf("record %d: time %v, want %v (nanoseconds)", i, ts, wantTime)
				}
				if b := lr.Body().Str(); b != fmt.Sprintf("record %d", i) {
					t.Fatalf("record %d: body %q", i, b)
				}
				as := lr.Attributes()
				want := map[string]any{
					"level":           levels[i%4].String(),
					"svc":             "api",
					"fluent.tag":      "slogx.interop",
					"req.i":           int64(i),
					"req.path":        "/v1/users",
					"req.ratio":       0.25,
					"req.ok":          i%2 == 0,
					"req.took":        int64(1500 * time.Microsecond),
					"req.user.name":   "ada",
					"req.user.org.id": int64(7),
					"req.tags":        `["a","b"]`, // an array (AsString prints it as JSON)
					"req.obj.K":       int64(i),
				}
				flat := map[string]any{}
				fwdFlatten("", as, flat)
				if fmt.Sprint(flat) != fmt.Sprint(want) {
					t.Fatalf("record %d attributes\n got %v\nwant %v", i, flat, want)
				}
				req, _ := as.Get("req")
				if req.Type() != pcommon.ValueTypeMap {
					t.Fatalf("record %d: group req is %v, want a map", i, req.Type())
				}
				if tags, _ := req.Map().Get("tags"); tags.Type() != pcommon.ValueTypeSlice {
					t.Fatalf("record %d: tags is %v, want a slice", i, tags.Type())
				}
			}
		})
	}
}

// fwdFlatten writes every leaf of m as path -> Go value, the value's OTLP type kept.
func fwdFlatten(prefix string, m pcommon.Map, out map[string]any) {
	m.Range(func(k string, v pcommon.Value) bool {
		switch v.Type() {
		case pcommon.ValueTypeMap:
			fwdFlatten(prefix+k+".", v.Map(), out)
		case pcommon.ValueTypeInt:
			out[prefix+k] = v.Int()
		case pcommon.ValueTypeDouble:
			out[prefix+k] = v.Double()
		case pcommon.ValueTypeBool:
			out[prefix+k] = v.Bool()
		default:
			out[prefix+k] = v.AsString()
		}
		return true
	})
}

// The receiver stops while records flow and starts again on the same port: every record
// arrives (at least once), and the Forward counts each exactly once as delivered.
func TestForwardReceiverRestart(t *testing.T) {
	sink := new(consumertest.LogsSink)
	addr := fwdFreePort(t)
	r := startFwdReceiver(t, addr, sink)
	var mu sync.Mutex
	var errs []error
	f, err := forward.New(addr, forward.Options{Delivery: netsink.Delivery{Backoff: netsink.Backoff{Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond}}}, &slogx.Options{OnError: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lg := slog.New(f)
	const n = 6000
	for i := range n {
		if i == n/3 {
			r.stop()
		}
		if i == 2*n/3 {
			r = startFwdReceiver(t, addr, sink)
		}
		lg.Info("restart", "i", i)
		if i%100 == 0 {
			time.Sleep(time.Millisecond) // let batches go out while the receiver is down
		}
	}
	fwdFlush(t, f)
	seen := make([]int, n)
	for _, lr := range fwdRecords(sink) {
		v, ok := lr.Attributes().Get("i")
		if !ok {
			t.Fatalf("record without i: %v", lr.Attributes().AsRaw())
		}
		seen[v.Int()]++
	}
	dups := 0
	for i, c := range seen {
		if c == 0 {
			t.Fatalf("record %d lost across the restart", i)
		}
		dups += c - 1
	}
	st := f.Stats()
	mu.Lock()
	t.Logf("stats %+v, %d duplicates (at least once), %d errors reported", st, dups, len(errs))
	mu.Unlock()
	if st.Records != n || st.Dropped != 0 || st.Errors == 0 {
		t.Errorf("stats %+v: want %d records, none dropped, the outage counted as errors", st, n)
	}
}

// BenchmarkForwardToReceiver: records through Forward -> TCP loopback -> the Collector's
// fluentforward receiver -> a LogsSink, acknowledged (the final Flush is timed).
func BenchmarkForwardToReceiver(b *testing.B) {
	for _, compress := range []bool{false, true} {
		b.Run(fmt.Sprintf("compress=%v", compress), func(b *testing.B) {
			sink := new(consumertest.LogsSink)
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			addr := l.Addr().String()
			l.Close()
			fac := fluentforwardreceiver.NewFactory()
			cfg := fac.CreateDefaultConfig().(*fluentforwardreceiver.Config)
			cfg.ListenAddress = addr
			rcv, err := fac.CreateLogs(context.Background(), receivertest.NewNopSettings(fac.Type()), cfg, sink)
			if err != nil {
				b.Fatal(err)
			}
			if err := rcv.Start(context.Background(), componenttest.NewNopHost()); err != nil {
				b.Fatal(err)
			}
			defer rcv.Shutdown(context.Background())
			f, err := forward.New(addr, forward.Options{Compress: compress, Delivery: netsink.Delivery{EnqueueTimeout: time.Minute}}, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			rec := slog.NewRecord(time.Now(), slog.LevelInfo, "request handled", 0)
			rec.AddAttrs(slog.String("method", "GET"), slog.Int("status", 200), slog.Float64("ratio", 0.5),
				slog.Bool("cached", false), slog.Duration("elapsed", time.Millisecond))
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := f.Handle(ctx, rec); err != nil {
					b.Fatal(err)
				}
				if sink.LogRecordCount() > 1<<20 {
					sink.Reset() // bound the sink's memory; the count is what matters
				}
			}
			if err := f.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
