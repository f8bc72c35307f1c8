package forward

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/internal/wire"
	"github.com/slogx/handlers/slogx"
)

func fwdListen(t testing.TB) net.Listener {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// fwdErrors collects what OnError reports.
type fwdErrors struct {
	mu      sync.Mutex
	errs    []error
	changed chan struct{} // closed at the next add
}

func (e *fwdErrors) add(err error) {
	e.mu.Lock()
	e.errs = append(e.errs, err)
	if e.changed != nil {
		close(e.changed)
		e.changed = nil
	}
	e.mu.Unlock()
}

// watch returns the errors so far and a channel closed when another is added.
func (e *fwdErrors) watch() (string, <-chan struct{}) {
	text := e.text()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.changed == nil {
		e.changed = make(chan struct{})
	}
	return text, e.changed
}

func (e *fwdErrors) text() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var b strings.Builder
	for _, err := range e.errs {
		b.WriteString(err.Error())
		b.WriteByte('\n')
	}
	return b.String()
}

func fastBackoff() netsink.Backoff {
	return netsink.Backoff{Initial: 10 * time.Millisecond, Max: 50 * time.Millisecond}
}

type fwdPoint struct{ X, Y int }

type fwdValuer struct{}

func (fwdValuer) LogValue() slog.Value { return slog.GroupValue(slog.String("resolved", "yes")) }

// Every field a record can carry arrives as the spec and the docs say.
func TestForwardFields(t *testing.T) {
	nettest.NoLeak(t)
	srv := newFwdServer(t, fwdListen(t)).start()
	f, err := New(srv.l.Addr().String(), Options{Tag: "app.test"}, &slogx.Options{AddSource: true, Level: slog.LevelDebug})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	when := time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)
	lg := slog.New(f).With("svc", "api").WithGroup("req").With("id", 7)
	r := slog.NewRecord(when, slog.LevelWarn+2, "hello forward", 0)
	var pcs [1]uintptr
	_ = pcs
	r.AddAttrs(
		slog.String("s", "str"), slog.Int("i", -42), slog.Uint64("u", 1<<63), slog.Float64("f", 1.5),
		slog.Bool("b", true), slog.Duration("d", 1500*time.Millisecond), slog.Time("t", when),
		slog.Any("err", errors.New("boom")), slog.Any("bytes", []byte{1, 2, 3}),
		slog.Any("point", fwdPoint{1, 2}), slog.Any("v", fwdValuer{}),
		slog.Any("list", []any{"a", -3, 2.5, nil, true, struct{}{}}), slog.Any("raw", wire.RawJSON("not json {")),
		slog.Group("g", slog.String("inner", "x"), slog.Group("deeper", slog.Int("n", 1))),
		slog.Group("empty"),
	)
	if err := lg.Handler().Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	lg.Debug("second") // source from a real call site
	if err := f.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	es := srv.waitEntries(t, 2)
	e := es[0]
	if e.Tag != "app.test" {
		t.Errorf("tag %q", e.Tag)
	}
	if !e.Time.Equal(when) || e.Time.Nanosecond() != 123456789 {
		t.Errorf("time %v, want %v (to the nanosecond)", e.Time, when)
	}
	want := map[string]any{
		"message": "hello forward",
		"level":   "WARN+2",
		"svc":     "api",
		"req": map[string]any{
			"id": int8(7),
			"s":  "str", "i": int8(-42), "u": uint64(1 << 63), "f": 1.5, "b": true,
			"d": int32(1500000000), "t": "2026-03-04T05:06:07.123456789Z",
			"err": "boom", "bytes": []byte{1, 2, 3}, "point": map[string]any{"X": int8(1), "Y": int8(2)},
			"list": []any{"a", int8(-3), 2.5, nil, true, map[string]any{}},
			"raw":  "not json {",
			"v":    map[string]any{"resolved": "yes"},
			"g":    map[string]any{"inner": "x", "deeper": map[string]any{"n": int8(1)}},
		},
	}
	if !reflect.DeepEqual(fwdNorm(e.Rec), fwdNorm(want)) {
		t.Errorf("record\n got %#v\nwant %#v", e.Rec, want)
	}
	src, ok := es[1].Rec["source"].(map[string]any)
	if !ok || !strings.HasSuffix(fmt.Sprint(src["file"]), "forward_test.go") || fwdInt(src["line"]) <= 0 ||
		!strings.Contains(fmt.Sprint(src["function"]), "TestForwardFields") {
		t.Errorf("source %#v", es[1].Rec["source"])
	}
	if es[1].Rec["level"] != "DEBUG" || es[1].Rec["message"] != "second" {
		t.Errorf("second record %#v", es[1].Rec)
	}
	if st := f.Stats(); st.Records != 2 || st.Errors != 0 || st.Dropped != 0 {
		t.Errorf("stats %+v", st)
	}
}

// A zero time is "unknown": EventTime 0.
func TestForwardZeroTime(t *testing.T) {
	srv := newFwdServer(t, fwdListen(t)).start()
	f, err := New(srv.l.Addr().String(), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_ = f.Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelInfo, "no time", 0))
	e := srv.waitEntries(t, 1)[0]
	if !e.Time.IsZero() || e.Tag != DefaultTag {
		t.Errorf("entry %+v", e)
	}
}

// Every batch carries a chunk id and its size; records count as delivered only once acked.
func TestForwardChunkAck(t *testing.T) {
	nettest.NoLeak(t)
	srv := newFwdServer(t, fwdListen(t))
	srv.noAck = true
	srv.start()
	f, err := New(srv.l.Addr().String(), Options{Delivery: netsink.Delivery{CloseTimeout: 100 * time.Millisecond, BatchBytes: 512}}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	lg := slog.New(f)
	for i := range 50 {
		lg.Info("m", "i", i)
	}
	srv.waitEntries(t, 50)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := f.Flush(ctx); err == nil {
		t.Error("Flush returned nil with nothing acknowledged")
	}
	if st := f.Stats(); st.Records != 0 || f.Pending() != 50 {
		t.Errorf("unacknowledged: stats %+v, pending %d", st, f.Pending())
	}
	msgs := srv.messages()
	if len(msgs) < 2 {
		t.Errorf("%d messages for 50 records with MaxBatchBytes 512, want several", len(msgs))
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		if len(m.Chunk) != 24 || seen[m.Chunk] || m.Size != m.Entries || m.Compressed != "" {
			t.Errorf("message %+v (chunk must be unique base64 of 16 bytes, size = entries)", m)
		}
		seen[m.Chunk] = true
	}
	if err := f.Close(); err == nil || f.Stats().Dropped != 50 {
		t.Errorf("Close = %v, stats %+v: unacknowledged records must be counted dropped", err, f.Stats())
	}
}

// The server reads batches and dies before acknowledging them: every record is sent again
// on the next connection, in order, and counted once acknowledged.
func TestForwardReplayAfterDrop(t *testing.T) {
	nettest.NoLeak(t)
	srv := newFwdServer(t, fwdListen(t))
	srv.dropUnacked = 2
	srv.start()
	errs := &fwdErrors{}
	f, err := New(srv.l.Addr().String(), Options{Delivery: netsink.Delivery{Backoff: fastBackoff()}}, &slogx.Options{OnError: errs.add})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lg := slog.New(f)
	const n = 2000
	for i := range n {
		lg.Info("rec", "i", i)
	}
	if err := f.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err, errs.text())
	}
	es := srv.waitEntries(t, n)
	// The records acknowledged arrived in order, each at least once; those in the dropped
	// batches were never handed on by the server, so here exactly once.
	for i, e := range es[:n] {
		if fwdInt(e.Rec["i"]) != i {
			t.Fatalf("entry %d has i=%v", i, e.Rec["i"])
		}
	}
	if st := f.Stats(); st.Records != n || st.Dropped != 0 {
		t.Errorf("stats %+v", st)
	}
	srv.mu.Lock()
	conns := srv.conns
	srv.mu.Unlock()
	if conns < 3 {
		t.Errorf("%d connections, want 3 (two dropped)", conns)
	}
}

// A reply that is not an ack ends the connection (what follows it cannot be trusted),
// reported as an error; the records are sent again and acknowledged on the next one.
func TestForwardGarbageAck(t *testing.T) {
	nettest.NoLeak(t)
	srv := newFwdServer(t, fwdListen(t))
	srv.garbageAcks = 1
	srv.start()
	errs := &fwdErrors{}
	f, err := New(srv.l.Addr().String(), Options{Delivery: netsink.Delivery{Backoff: fastBackoff()}}, &slogx.Options{OnError: errs.add})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	slog.New(f).Info("acked at last")
	if err := f.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	if st := f.Stats(); st.Records != 1 || st.Errors != 1 || !strings.Contains(errs.text(), "bad ack") {
		t.Errorf("stats %+v, errors %s", st, errs.text())
	}
	if es := srv.waitEntries(t, 2); es[0].Rec["message"] != es[1].Rec["message"] {
		t.Errorf("entries %+v: want the record twice (at least once)", es)
	}
}

// A batch whose ack never comes breaks the connection after AckTimeout and is sent again.
func TestForwardAckTimeout(t *testing.T) {
	nettest.NoLeak(t)
	srv := newFwdServer(t, fwdListen(t))
	srv.noAck = true
	srv.start()
	errs := &fwdErrors{}
	f, err := New(srv.l.Addr().String(), Options{AckTimeout: 50 * time.Millisecond, Delivery: netsink.Delivery{Backoff: fastBackoff(), CloseTimeout: 50 * time.Millisecond}}, &slogx.Options{OnError: errs.add})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(f).Info("once")
	srv.waitEntries(t, 3) // sent again and again
	f.Close()
	if !strings.Contains(errs.text(), "no ack within") {
		t.Errorf("errors: %s", errs.text())
	}
}

func TestForwardHandshake(t *testing.T) {
	nettest.NoLeak(t)
	srv := newFwdServer(t, fwdListen(t))
	srv.sharedKey = "s3cret"
	srv.start()
	f, err := New(srv.l.Addr().String(), Options{SharedKey: "s3cret", Hostname: "client-a"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	slog.New(f).Info("authenticated")
	if err := f.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	if e := srv.waitEntries(t, 1)[0]; e.Rec["message"] != "authenticated" {
		t.Errorf("entry %+v", e)
	}
}

func TestForwardHandshakeUser(t *testing.T) {
	srv := newFwdServer(t, fwdListen(t))
	srv.sharedKey, srv.userSalt, srv.users = "k", true, map[string]string{"alice": "pw"}
	srv.start()
	f, err := New(srv.l.Addr().String(), Options{SharedKey: "k", Username: "alice", Password: "pw"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	slog.New(f).Info("user")
	if err := f.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
}

// A wrong key fails every connection clearly, counted as Errors; nothing is lost meanwhile.
func TestForwardHandshakeWrongKey(t *testing.T) {
	nettest.NoLeak(t)
	for _, tc := range []struct {
		name      string
		badDigest bool
		want      string
	}{
		{"rejected by server", false, "rejected the shared key"},
		{"server proves another key", true, "does not prove the same shared key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFwdServer(t, fwdListen(t))
			srv.sharedKey, srv.badDigest = "right", tc.badDigest
			key := "wrong"
			if tc.badDigest {
				key = "right"
			}
			srv.start()
			errs := &fwdErrors{}
			f, err := New(srv.l.Addr().String(), Options{SharedKey: key, Delivery: netsink.Delivery{Backoff: fastBackoff(), CloseTimeout: 50 * time.Millisecond}}, &slogx.Options{OnError: errs.add})
			if err != nil {
				t.Fatal(err)
			}
			slog.New(f).Info("never")
			deadline := time.Now().Add(10 * time.Second)
			for f.Stats().Errors < 2 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if st := f.Stats(); st.Errors < 2 || st.Records != 0 || f.Pending() != 1 {
				t.Errorf("stats %+v pending %d", st, f.Pending())
			}
			text := errs.text()
			if !strings.Contains(text, "shared key") || !strings.Contains(text, tc.want) ||
				!strings.HasPrefix(text, "netsink: forward "+srv.l.Addr().String()+": connect: ") {
				t.Errorf("errors: %s", text)
			}
			f.Close()
			if len(srv.messages()) != 0 {
				t.Error("records sent without a handshake")
			}
		})
	}
}

func TestForwardTLS(t *testing.T) {
	nettest.NoLeak(t)
	cert, pool := nettest.TestCert(t)
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	srv := newFwdServer(t, l)
	srv.sharedKey = "k"
	srv.start()
	f, err := New(l.Addr().String(), Options{SharedKey: "k", TLS: &tls.Config{RootCAs: pool}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	slog.New(f).Info("over tls")
	if err := f.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	if e := srv.waitEntries(t, 1)[0]; e.Rec["message"] != "over tls" {
		t.Errorf("entry %+v", e)
	}
}

func TestForwardUnix(t *testing.T) {
	nettest.NoLeak(t)
	path := filepath.Join(t.TempDir(), "fwd.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Skip("no unix sockets:", err)
	}
	srv := newFwdServer(t, l).start()
	f, err := New("unix://"+path, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	slog.New(f).Info("over unix")
	if err := f.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	if e := srv.waitEntries(t, 1)[0]; e.Rec["message"] != "over unix" {
		t.Errorf("entry %+v", e)
	}
}

func TestForwardCompress(t *testing.T) {
	nettest.NoLeak(t)
	srv := newFwdServer(t, fwdListen(t)).start()
	f, err := New(srv.l.Addr().String(), Options{Compress: true, Delivery: netsink.Delivery{BatchBytes: 4096}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lg := slog.New(f)
	const n = 500
	for i := range n {
		lg.Info("compressed", "i", i)
	}
	if err := f.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	es := srv.waitEntries(t, n)
	for i, e := range es {
		if fwdInt(e.Rec["i"]) != i {
			t.Fatalf("entry %d: %+v", i, e)
		}
	}
	for _, m := range srv.messages() {
		if m.Compressed != "gzip" || m.Size != m.Entries || m.Chunk == "" {
			t.Errorf("message %+v", m)
		}
	}
}

func TestNewForwardValidates(t *testing.T) {
	for _, tc := range []struct {
		addr string
		o    Options
		opts *slogx.Options
		want string
	}{
		{"127.0.0.1", Options{}, nil, `netsink: forward address "127.0.0.1"`},
		{"127.0.0.1:0", Options{}, nil, "outside"},
		{"unix://", Options{}, nil, "no socket path"},
		{"unix:///tmp/x.sock", Options{TLS: &tls.Config{}}, nil, "ServerName"},
		{"127.0.0.1:24224", Options{Delivery: netsink.Delivery{Overflow: 99}}, nil, "overflow"},
		{"127.0.0.1:24224", Options{Username: "u"}, nil, "need SharedKey"},
		{"127.0.0.1:24224", Options{Tag: "\xff"}, nil, "UTF-8"},
		{"127.0.0.1:24224", Options{}, &slogx.Options{Encoder: slogx.JSON()}, "Encoder must be nil"},
	} {
		if _, err := New(tc.addr, tc.o, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewForward(%q, %+v) = %v, want an error containing %q", tc.addr, tc.o, err, tc.want)
		}
	}
	// Down at start-up is not an error.
	f, err := New("127.0.0.1:1", Options{Delivery: netsink.Delivery{CloseTimeout: time.Millisecond}}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// Handle encodes without allocating (the engine copies into its buffer).
func TestForwardHandleAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items at random under -race; make test runs this without -race too")
	}
	srv := newFwdServer(t, fwdListen(t)).start()
	f, err := New(srv.l.Addr().String(), Options{Delivery: netsink.Delivery{Overflow: slogx.DropNewest}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := fwdBenchRecord()
	ctx := context.Background()
	for range 100 {
		_ = f.Handle(ctx, r)
	}
	if n := testing.AllocsPerRun(1000, func() { _ = f.Handle(ctx, r) }); n != 0 {
		t.Errorf("Handle allocates %v times per record, want 0", n)
	}
	// The encoder alone, which is what the Handle bound is about.
	enc := wire.NewForwardEncoder()
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(1000, func() { buf = enc.Append(buf[:0], r) }); n != 0 {
		t.Errorf("encoding allocates %v times per record, want 0", n)
	}
}

func fwdBenchRecord() slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "request handled", 0)
	r.AddAttrs(slog.String("method", "GET"), slog.Int("status", 200), slog.Duration("elapsed", 1234*time.Microsecond),
		slog.String("path", "/api/v1/users"), slog.Bool("cached", false))
	return r
}

func BenchmarkForwardHandle(b *testing.B) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := newFwdServer(b, l).start()
	f, err := New(srv.l.Addr().String(), Options{Delivery: netsink.Delivery{Overflow: slogx.DropNewest}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r := fwdBenchRecord()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_ = f.Handle(ctx, r)
	}
}

func BenchmarkForwardEncode(b *testing.B) {
	enc := wire.NewForwardEncoder()
	r := fwdBenchRecord()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = enc.Append(buf[:0], r)
	}
}

// fwdNorm makes every integer an int64: msgpack's compact forms decode as different types.
func fwdNorm(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, v := range x {
			m[k] = fwdNorm(v)
		}
		return m
	case uint64:
		return x // the kind that must survive
	case []any:
		l := make([]any, len(x))
		for i, v := range x {
			l[i] = fwdNorm(v)
		}
		return l
	case []byte, string, bool, float64, nil:
		return x
	}
	if n := fwdInt(v); n != -1 || v == int8(-1) {
		return int64(n)
	}
	return v
}

// A server that wants the handshake while no SharedKey is set is named as such.
func TestForwardUnexpectedHelo(t *testing.T) {
	nettest.NoLeak(t)
	srv := newFwdServer(t, fwdListen(t))
	srv.sharedKey = "k"
	srv.start()
	errs := &fwdErrors{}
	f, err := New(srv.l.Addr().String(), Options{Delivery: netsink.Delivery{Backoff: fastBackoff(), CloseTimeout: 10 * time.Millisecond}}, &slogx.Options{OnError: errs.add})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(f).Info("x")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errs.text(), "set Options.SharedKey") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	f.Close()
	if !strings.Contains(errs.text(), "set Options.SharedKey") {
		t.Errorf("errors: %s", errs.text())
	}
}
