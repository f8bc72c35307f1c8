package netsink

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink/internal/wire"
)

// wireBlockingHandler signals each Handle call on entered, then waits for release.
type wireBlockingHandler struct {
	entered chan int64 // the record's "i"
	release chan struct{}
}

func (h *wireBlockingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *wireBlockingHandler) Handle(_ context.Context, r slog.Record) error {
	h.entered <- wireAttrInt(r, "i")
	<-h.release
	return nil
}
func (h *wireBlockingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *wireBlockingHandler) WithGroup(string) slog.Handler      { return h }

// wireBigFrame is a length-prefixed record frame of about size bytes (no sequence number:
// nothing is acked), its attribute "i" set to i.
func wireBigFrame(size int, i int) []byte {
	r := slog.NewRecord(time.Unix(1, 0), slog.LevelInfo, "big", 0)
	r.AddAttrs(slog.Int("i", i), slog.String("pad", strings.Repeat("x", size)))
	p := wire.EncodeRecord(nil, r)
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(p))), p...)
}

// MaxDecodeBytes bounds the bytes of frames being decoded and handled at once across
// connections: 8 connections each send 2 frames of F bytes to a Server bounded at 3F whose
// Handler blocks. Exactly 3 frames enter Handler, the 5 others wait (the gate says so, no
// clock involved); released, every frame is handled, in the end a frame of 5F too (alone),
// and the most bytes ever in decode is the bound. Without the bound all 8 would be decoded
// at once.
func TestServerMaxDecodeBytesBounds(t *testing.T) {
	const F = 100 << 10
	frame := wireBigFrame(F, 0)
	weight := int64(len(frame) - 4)
	h := &wireBlockingHandler{entered: make(chan int64, 64), release: make(chan struct{})}
	srv := &Server{Handler: h, MaxDecodeBytes: 3 * weight, OnError: func(error) {}}
	srv.init()
	waiting := make(chan struct{}, 64)
	srv.gate.onWait = func() { waiting <- struct{}{} }
	addr := wireServe(t, srv, "127.0.0.1:0")
	release := sync.OnceFunc(func() { close(h.release) })
	t.Cleanup(release) // before the Server's Close (cleanups run last first), should the test fail

	const conns = 8
	var wg sync.WaitGroup
	for c := range conns {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 2 {
				if _, err := conn.Write(wireBigFrame(F, c*2+k)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for range 3 {
		wireRecv(t, h.entered)
	}
	for range conns - 3 {
		wireRecv(t, waiting) // with no bound (or a wrong one), more frames enter Handler and none waits
	}
	if used, peak := srv.gate.used.Load(), srv.gate.peak.Load(); used != 3*weight || peak != 3*weight {
		t.Fatalf("with 3 frames in Handler and 5 waiting: %d bytes in decode, peak %d, want %d", used, peak, 3*weight)
	}
	release()
	for range 2*conns - 3 {
		<-h.entered
	}
	wg.Wait()

	// A frame over the whole bound is handled, alone.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write(wireBigFrame(5*F, 99)); err != nil {
		t.Fatal(err)
	}
	if i := <-h.entered; i != 99 {
		t.Fatalf("record %d, want 99", i)
	}
	if peak := srv.gate.peak.Load(); peak != 3*weight {
		t.Errorf("peak %d bytes in decode, bound %d", peak, 3*weight)
	}
	if st := srv.Stats(); st.Records != 2*conns+1 || st.Malformed+st.TooDense+st.ConnErrors != 0 {
		t.Errorf("stats %+v", st)
	}
}

// A frame waiting for room is given up when the Server is closed: Close returns once the
// Handler holding the room returns, and the waiting frame is not handled.
func TestServerCloseWakesDecodeWaiters(t *testing.T) {
	frame := wireBigFrame(32<<10, 1)
	h := &wireBlockingHandler{entered: make(chan int64, 4), release: make(chan struct{})}
	srv := &Server{Handler: h, MaxDecodeBytes: int64(len(frame) - 4), OnError: func(error) {}}
	srv.init()
	release := sync.OnceFunc(func() { close(h.release) })
	t.Cleanup(func() {
		release()
		srv.Close()
	})
	waiting := make(chan struct{}, 4)
	srv.gate.onWait = func() { waiting <- struct{}{} }
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	for range 2 {
		conn, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.Write(frame); err != nil {
			t.Fatal(err)
		}
	}
	wireRecv(t, h.entered)
	wireRecv(t, waiting)
	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	// The waiter leaves the queue on Close's signal, before the Handler is released.
	for srv.gate.waiting.Load() != 0 {
		select {
		case <-closed:
			t.Fatal("Close returned while a Handler was blocked")
		case <-time.After(time.Millisecond):
		}
	}
	release()
	<-closed
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve: %v", err)
	}
	if st := srv.Stats(); st.Records != 1 {
		t.Errorf("%d records handled, want 1 (the waiting frame is dropped unacked)", st.Records)
	}
	if used := srv.gate.used.Load(); used != 0 {
		t.Errorf("%d bytes still held", used)
	}
}

// A frame denser than the decoding budget (valid msgpack: 2-byte attributes that would take
// 40 bytes each) is refused and counted as TooDense; its connection is closed, and another
// connection's records are still handled.
func TestServerTooDenseClosesOnlyItsConnection(t *testing.T) {
	capt := newWireCapture()
	var errs []error
	var mu sync.Mutex
	srv := &Server{Handler: capt, OnError: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }}
	addr := wireServe(t, srv, "127.0.0.1:0")

	good, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	if _, err := good.Write(wireBigFrame(10, 1)); err != nil {
		t.Fatal(err)
	}
	capt.wait(t, 1)

	// {"v":1,"attrs":{"":nil, ...}}: 100,000 entries of 2 bytes.
	p := []byte{0x82, 0xa1, 'v', 0x01, 0xa5, 'a', 't', 't', 'r', 's', 0xdf}
	p = binary.BigEndian.AppendUint32(p, 100000)
	p = append(p, bytes.Repeat([]byte{0xa0, 0xc0}, 100000)...)
	bad, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if _, err := bad.Write(append(binary.BigEndian.AppendUint32(nil, uint32(len(p))), p...)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(bad); err != nil {
		t.Fatalf("the dense frame's connection: %v, want closed", err)
	}
	if _, err := good.Write(wireBigFrame(10, 2)); err != nil {
		t.Fatal(err)
	}
	capt.wait(t, 2)
	st := srv.Stats()
	if st.TooDense != 1 || st.Malformed != 0 {
		t.Errorf("TooDense %d, Malformed %d; want 1, 0", st.TooDense, st.Malformed)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 1 || !errors.Is(errs[0], ErrMalformed) || !errors.Is(errs[0], wire.ErrTooDense) {
		t.Errorf("errors %v", errs)
	}
}

// A length prefix alone allocates nothing: the frame's buffer grows with the bytes that
// arrive. Before, every connection that sent a 4-byte header claiming 1 MiB held 1 MiB.
func TestServerFrameBufferFollowsBytes(t *testing.T) {
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], 1<<20)
	r := io.MultiReader(bytes.NewReader(hdr[:]), bytes.NewReader(make([]byte, 1000)))
	fr := &wireFrameReader{r: r}
	if _, err := fr.next(DefaultMaxFrame); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("next: %v", err)
	}
	if c := cap(fr.buf); c > 4<<10 {
		t.Errorf("1000 bytes of a frame claiming 1 MiB hold a %d-byte buffer", c)
	}
}

// wireRecv receives from ch, or fails the test after a generous bound (a hang guard, not a
// timing assertion).
func wireRecv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatal("waited 20s for an event")
		panic("unreachable")
	}
}

// A 3 KiB pickle whose memo references expand it to a million values is refused before it
// is built: 8 times its size is what memo references may expand a pickle to. Before, it
// was read (the limit was MaxFrame) and allocated 64 MiB.
func TestServerPickleMemoBombBounded(t *testing.T) {
	p := []byte("\x80\x02}X\x01\x00\x00\x00x]q\x00(")
	p = append(p, bytes.Repeat([]byte{'}'}, 1000)...) // a list of 1000 empty dicts, memo 0
	p = append(p, "e0]("...)
	p = append(p, bytes.Repeat([]byte{'h', 0}, 1000)...) // a list of 1000 references to it
	p = append(p, "es."...)
	srv := &Server{Handler: slog.NewJSONHandler(io.Discard, nil), AcceptPickle: true, OnError: func(error) {}}
	srv.init()
	alloc, err := wireFrameAlloc(srv, p)
	t.Logf("%d-byte pickle: %d bytes allocated: %v", len(p), alloc, err)
	if !errors.Is(err, ErrPickleRefused) {
		t.Errorf("err = %v, want ErrPickleRefused", err)
	}
	if alloc > 64*uint64(len(p)) {
		t.Errorf("%d bytes allocated for a %d-byte pickle", alloc, len(p))
	}
}

// wireFrameAlloc hands p to srv's frame handling (decode, Dedup, Handler) and returns what
// that allocated.
func wireFrameAlloc(srv *Server, p []byte) (uint64, error) {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	_, _, err := srv.handleFrame(p)
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc, err
}
