package interop

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/slogx"
)

type otlpSpanKey struct{}

// otlpTraceContext reads the ids a test put in the context.
func otlpTraceContext(ctx context.Context) ([16]byte, [8]byte, byte, bool) {
	v, ok := ctx.Value(otlpSpanKey{}).(int)
	if !ok {
		return [16]byte{}, [8]byte{}, 0, false
	}
	return otlpTraceID(v), otlpSpanID(v), 1, true
}

func otlpTraceID(i int) (id [16]byte) {
	id[0], id[15] = 0xab, byte(i)
	id[14] = byte(i >> 8)
	return id
}

func otlpSpanID(i int) (id [8]byte) {
	id[0], id[7] = 0xcd, byte(i)
	id[6] = byte(i >> 8)
	return id
}

// otlpLevels cycles through slog's levels, the in-between ones and Python's CRITICAL.
var otlpLevels = []struct {
	level slog.Level
	num   plog.SeverityNumber
	text  string
}{
	{slog.LevelDebug, 5, "DEBUG"}, {slog.LevelInfo, 9, "INFO"}, {slog.LevelWarn, 13, "WARN"},
	{slog.LevelError, 17, "ERROR"}, {12, 21, "ERROR+4"}, {2, 11, "INFO+2"}, {-6, 3, "DEBUG-2"},
}

const otlpN = 3000

// otlpLog logs otlpN records through a logger with a WithAttrs attribute and a WithGroup
// group: record i has level otlpLevels[i%7], a nanosecond time, typed attributes, a nested
// group, and trace ids when i is even.
func otlpLog(t testing.TB, h slog.Handler, base time.Time) {
	t.Helper()
	lg := slog.New(h).With("worker", "w1").WithGroup("req")
	for i := range otlpN {
		l := otlpLevels[i%len(otlpLevels)]
		r := slog.NewRecord(base.Add(time.Duration(i)*time.Microsecond+time.Duration(i%1000)), l.level, fmt.Sprintf("record %d", i), 0)
		r.AddAttrs(slog.Int("i", i), slog.Float64("f", float64(i)+0.25), slog.Bool("even", i%2 == 0),
			slog.String("s", "välue \"quoted\"\n"), slog.Duration("took", time.Duration(i)*time.Millisecond),
			slog.Group("g", slog.Uint64("u", uint64(i)), slog.Group("h", slog.Any("bytes", []byte{byte(i), 1}))),
			slog.Any("list", []any{"a", i, true}))
		ctx := context.Background()
		if i%2 == 0 {
			ctx = context.WithValue(ctx, otlpSpanKey{}, i)
		}
		if err := lg.Handler().Handle(ctx, r); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
}

// otlpCheck checks every field of every record the receiver got, each exactly once.
func otlpCheck(t testing.TB, got []otlpGot, base time.Time, service string) {
	t.Helper()
	seen := make([]bool, otlpN)
	for _, g := range got {
		r := g.rec
		attrs := r.Attributes().AsRaw()
		req, _ := attrs["req"].(map[string]any)
		i64, ok := req["i"].(int64)
		if !ok || i64 < 0 || i64 >= otlpN || seen[i64] {
			t.Fatalf("record with attrs %v: unknown or duplicate", attrs)
		}
		i := int(i64)
		seen[i] = true
		l := otlpLevels[i%len(otlpLevels)]
		want := base.Add(time.Duration(i)*time.Microsecond + time.Duration(i%1000))
		if g.service != service || g.scope != "github.com/slogx/handlers" {
			t.Fatalf("record %d: service %q scope %q", i, g.service, g.scope)
		}
		if r.Timestamp().AsTime().UnixNano() != want.UnixNano() || r.ObservedTimestamp() == 0 {
			t.Fatalf("record %d: time %v (observed %v), want %v", i, r.Timestamp().AsTime(), r.ObservedTimestamp(), want)
		}
		if r.SeverityNumber() != l.num || r.SeverityText() != l.text || r.Body().Str() != fmt.Sprintf("record %d", i) {
			t.Fatalf("record %d: severity %v %q body %q", i, r.SeverityNumber(), r.SeverityText(), r.Body().Str())
		}
		wantAttrs := map[string]any{
			"worker": "w1",
			"req": map[string]any{
				"i": int64(i), "f": float64(i) + 0.25, "even": i%2 == 0, "s": "välue \"quoted\"\n",
				"took": int64(time.Duration(i) * time.Millisecond),
				"g":    map[string]any{"u": int64(i), "h": map[string]any{"bytes": []byte{byte(i), 1}}},
				"list": []any{"a", int64(i), true},
			},
		}
		if !reflect.DeepEqual(attrs, wantAttrs) {
			t.Fatalf("record %d: attributes\n got %#v\nwant %#v", i, attrs, wantAttrs)
		}
		if i%2 == 0 {
			tid, sid := otlpTraceID(i), otlpSpanID(i)
			if r.TraceID() != tid || r.SpanID() != sid || r.Flags() != 1 {
				tr, sp := r.TraceID(), r.SpanID()
				t.Fatalf("record %d: trace %s span %s flags %d", i, hex.EncodeToString(tr[:]), hex.EncodeToString(sp[:]), r.Flags())
			}
		} else if !r.TraceID().IsEmpty() || !r.SpanID().IsEmpty() || r.Flags() != 0 {
			t.Fatalf("record %d: unexpected trace context", i)
		}
	}
	for i, ok := range seen {
		if !ok {
			t.Fatalf("record %d missing (%d received)", i, len(got))
		}
	}
}

// Thousands of records arrive in the Collector's OTLP receiver with every field intact, in
// protobuf and JSON, plain and gzipped.
func TestOTLPCollectorRecords(t *testing.T) {
	for _, c := range []struct{ json, gzip bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		t.Run(fmt.Sprintf("json=%v,gzip=%v", c.json, c.gzip), func(t *testing.T) {
			rc := startOTLPReceiver(t, otlpFreeAddr(t), nil)
			errs := &otlpErrs{}
			compression := "none"
			if c.gzip {
				compression = "gzip"
			}
			h, err := otlp.New(otlp.Options{URL: rc.url(), Protocol: map[bool]string{false: "http/protobuf", true: "http/json"}[c.json], Compression: compression,
				Resource: []slog.Attr{slog.String("service.name", "interop")}, TraceContext: otlpTraceContext},
				&slogx.Options{Level: slog.Level(-8), OnError: errs.add})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			base := time.Date(2026, 11, 30, 12, 0, 0, 123456789, time.UTC)
			otlpLog(t, h, base)
			otlpFlush(t, h)
			otlpWaitCount(t, rc.sink, otlpN)
			otlpCheck(t, otlpRecords(rc.sink), base, "interop")
			if s := h.Stats(); s.Records != otlpN || s.Errors != 0 || s.Dropped != 0 {
				t.Fatalf("stats %+v: %s", s, errs)
			}
		})
	}
}

func otlpFlush(t testing.TB, h *otlp.Handler) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}
