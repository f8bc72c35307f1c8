package syslog

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/slogx"
)

func syslogListenTCP(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// syslogFrames waits until the server holds n octet-counted frames and returns them.
func syslogFrames(t *testing.T, s *syslogStreamServer, n int) []string {
	t.Helper()
	var frames [][]byte
	s.waitFor(func(all []byte) bool {
		var ok bool
		frames, _, ok = syslogSplitOctets(all)
		if !ok {
			t.Fatalf("bad octet framing: %q", all)
		}
		return len(frames) >= n
	})
	out := make([]string, len(frames))
	for i, f := range frames {
		out[i] = string(f)
	}
	return out
}

func syslogMsgs(frames []string) []string {
	var out []string
	for _, f := range frames {
		out = append(out, f[strings.Index(f, " - - ")+5:])
	}
	return out
}

type syslogErrs struct {
	mu   sync.Mutex
	errs []error
}

func (e *syslogErrs) add(err error) { e.mu.Lock(); e.errs = append(e.errs, err); e.mu.Unlock() }
func (e *syslogErrs) String() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return fmt.Sprint(e.errs)
}

func TestSyslogTCPFraming(t *testing.T) {
	syslogLeakCheck(t)
	for _, framing := range []Framing{OctetCounting, LF} {
		srv := syslogNewStreamServer(t, syslogListenTCP(t))
		h, err := New(Options{Network: "tcp", Addr: srv.addr, Framing: framing, Hostname: "h", AppName: "a", ProcID: "1"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		l := slog.New(h)
		l.Info("one\nforged: <14>1 - - - - - - injected")
		l.Info("two\r\nthree")
		h.Close()
		all := srv.waitFor(func(all []byte) bool {
			return bytes.Count(all, []byte("two")) == 1 && bytes.HasSuffix(all, []byte("three")) || bytes.HasSuffix(all, []byte("three\n"))
		})
		var msgs []string
		if framing == LF {
			lines := strings.Split(strings.TrimSuffix(string(all), "\n"), "\n")
			msgs = syslogMsgs(lines)
			if len(lines) != 2 {
				t.Fatalf("LF framing: %d lines in %q", len(lines), all)
			}
		} else {
			frames, rest, ok := syslogSplitOctets(all)
			if !ok || len(rest) > 0 {
				t.Fatalf("octet counting: %q", all)
			}
			for _, f := range frames {
				msgs = append(msgs, string(f))
			}
			msgs = syslogMsgs(msgs)
		}
		want := []string{"one\nforged: <14>1 - - - - - - injected", "two\r\nthree"}
		if framing == LF {
			want = []string{"one#012forged: <14>1 - - - - - - injected", "two\r#012three"}
		}
		if fmt.Sprint(msgs) != fmt.Sprint(want) {
			t.Errorf("framing %d: got %q, want %q", framing, msgs, want)
		}
	}
}

// TestSyslogReconnect restarts the "daemon" side of a TCP connection between records: no
// record may be lost or duplicated, and the handler reconnects at once.
func TestSyslogReconnect(t *testing.T) {
	syslogLeakCheck(t)
	srv := syslogNewStreamServer(t, syslogListenTCP(t))
	errs := &syslogErrs{}
	h, err := New(Options{Network: "tcp", Addr: srv.addr}, &slogx.Options{OnError: errs.add})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	l := slog.New(h)
	for i := range 3 {
		l.Info(fmt.Sprint("before ", i))
	}
	syslogFrames(t, srv, 3)
	srv.dropConnections()
	// Wait until the client's socket has seen the close, as it would when the daemon went
	// away some time before the next record.
	deadline := time.Now().Add(5 * time.Second)
	for !h.stream.peerClosed() {
		if time.Now().After(deadline) {
			t.Fatal("client never saw the close")
		}
		time.Sleep(time.Millisecond) // polling a socket state: nothing to wait on
	}
	for i := range 3 {
		l.Info(fmt.Sprint("after ", i))
	}
	if err := h.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := syslogMsgs(syslogFrames(t, srv, 6))
	want := []string{"before 0", "before 1", "before 2", "after 0", "after 1", "after 2"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if n := srv.numConns(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
	if st := h.Stats(); st.Records != 6 || st.Errors != 0 || st.Dropped != 0 {
		t.Errorf("stats %+v, errors %s", st, errs)
	}
}

// syslogClock is a manual clock for the reconnect schedule.
type syslogClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *syslogClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *syslogClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syslogErrCh is an OnError that hands every report to the test, in order.
type syslogErrCh chan error

func (c syslogErrCh) add(err error) { c <- err }

// next waits for the next report.
func (c syslogErrCh) next(t *testing.T) error {
	t.Helper()
	select {
	case err := <-c:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("no error reported in 10 s")
		return nil
	}
}

// TestSyslogOutage logs over TCP while nothing listens: one connection attempt per backoff
// period (on the test's clock), records held in a bounded buffer (with DropOldest, the oldest
// dropped and counted), none counted as delivered, all survivors delivered in order once the
// daemon is back.
func TestSyslogOutage(t *testing.T) {
	syslogLeakCheck(t)
	ln := syslogListenTCP(t)
	addr := ln.Addr().String()
	ln.Close() // nothing listens now
	clock := &syslogClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	errs := make(syslogErrCh, 100)
	o := Options{Network: "tcp", Addr: addr, Hostname: "h", AppName: "a", ProcID: "1", now: clock.Now, DialTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second, Delivery: netsink.Delivery{Overflow: slogx.DropOldest, CloseTimeout: 2 * time.Second}}
	// Size the buffer for exactly three of these records.
	one := len(syslogEncode(t, o, false, nil, syslogRecord(slog.LevelInfo, "rec 0")))
	o.Buffer = 3 * one
	h, err := New(o, &slogx.Options{OnError: errs.add})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	l := slog.New(h)
	syslogRecord(slog.LevelInfo, "rec 0")(l)
	if err := errs.next(t); !strings.Contains(err.Error(), "connect") {
		t.Fatalf("first report: %v", err)
	}
	for i := 1; i < 5; i++ {
		syslogRecord(slog.LevelInfo, fmt.Sprint("rec ", i))(l)
	}
	st := h.Stats()
	if st.Errors != 1 || st.Dropped != 2 || st.Records != 0 {
		t.Fatalf("during the outage: %+v (one failed attempt, two dropped, none delivered)", st)
	}
	if err := errs.next(t); !strings.Contains(err.Error(), "buffer full") {
		t.Fatalf("drops not reported: %v", err)
	}
	clock.Add(time.Second) // first retry allowed after 1 s: it fails again
	syslogRecord(slog.LevelInfo, "rec 5")(l)
	for {
		if err := errs.next(t); strings.Contains(err.Error(), "connect") {
			break
		}
	}
	if st := h.Stats(); st.Errors != 2 || st.Dropped != 3 || st.Records != 0 {
		t.Fatalf("after the failed retry: %+v", st)
	}
	clock.Add(time.Second) // the schedule is now 2 s: no attempt (else Errors would be 3 below)
	syslogRecord(slog.LevelInfo, "rec 6")(l)
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port %s taken meanwhile: %v", addr, err)
	}
	srv := syslogNewStreamServer(t, ln2)
	clock.Add(time.Second)
	if err := h.Flush(t.Context()); err != nil { // the retry is due: rec 4..6 go out
		t.Fatal(err)
	}
	syslogRecord(slog.LevelInfo, "rec 7")(l)
	if err := h.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := syslogMsgs(syslogFrames(t, srv, 4))
	if want := []string{"rec 4", "rec 5", "rec 6", "rec 7"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after the outage: %q, want %q", got, want)
	}
	if st := h.Stats(); st.Errors != 2 || st.Dropped != 4 || st.Records != 4 {
		t.Fatalf("final stats %+v", st)
	}
}

// TestSyslogDeadPortCountsNothing: records to a TCP port nobody listens on are never
// counted as delivered; Close counts them as dropped.
func TestSyslogDeadPortCountsNothing(t *testing.T) {
	syslogLeakCheck(t)
	ln := syslogListenTCP(t)
	addr := ln.Addr().String()
	ln.Close()
	errs := make(syslogErrCh, 100)
	h, err := New(Options{Network: "tcp", Addr: addr, DialTimeout: 50 * time.Millisecond, WriteTimeout: 50 * time.Millisecond, Delivery: netsink.Delivery{CloseTimeout: 50 * time.Millisecond}}, &slogx.Options{OnError: errs.add})
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(h)
	for i := range 3 {
		l.Info(fmt.Sprint("rec ", i))
	}
	errs.next(t) // the failed connect
	if st := h.Stats(); st.Records != 0 || st.Errors == 0 {
		t.Fatalf("stats %+v: nothing was delivered", st)
	}
	if err := h.Close(); err == nil {
		t.Fatal("Close returned nil with 3 undelivered records")
	}
	if st := h.Stats(); st.Records != 0 || st.Dropped != 3 {
		t.Fatalf("after Close: %+v", st)
	}
}

// TestSyslogUnixgramRestart recreates the daemon's datagram socket between records: the
// handler reconnects at once and loses nothing.
func TestSyslogUnixgramRestart(t *testing.T) {
	syslogLeakCheck(t)
	path := t.TempDir() + "/restart.sock"
	srv := syslogNewUnixgramServer(t, path)
	h, err := New(Options{Network: "unixgram", Addr: path}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	slog.New(h).Info("first")
	if got := string(srv.recv()); !strings.HasSuffix(got, ": first") {
		t.Fatalf("got %q", got)
	}
	srv.conn.Close()
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	srv2 := syslogNewUnixgramServer(t, path)
	slog.New(h).Info("second")
	if got := string(srv2.recv()); !strings.HasSuffix(got, ": second") {
		t.Fatalf("got %q", got)
	}
	if st := h.Stats(); st.Records != 2 || st.Errors != 0 || st.Dropped != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestSyslogNoBuffer(t *testing.T) {
	syslogLeakCheck(t)
	h, err := New(Options{Network: "unixgram", Addr: t.TempDir() + "/nobody.sock", Delivery: netsink.Delivery{Buffer: -1}}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "x", 0)
	if err := h.Handle(t.Context(), r); err == nil {
		t.Fatal("with no buffer, an unreachable daemon is an error for the record")
	}
	if err := h.Handle(t.Context(), r); err == nil || !strings.Contains(err.Error(), "next attempt") {
		t.Fatalf("within the backoff: %v", err)
	}
	if st := h.Stats(); st.Errors != 2 || st.Records != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestSyslogCloseFlushes holds records while the daemon is away and delivers them at Close.
func TestSyslogCloseFlushes(t *testing.T) {
	syslogLeakCheck(t)
	path := t.TempDir() + "/late.sock"
	h, err := New(Options{Network: "unixgram", Addr: path, Format: RFC5424, Hostname: "h", AppName: "a", ProcID: "1"}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h).Info("early")
	srv := syslogNewUnixgramServer(t, path)
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if got := string(srv.recv()); !strings.HasSuffix(got, " h a 1 - - early") {
		t.Fatalf("got %q", got)
	}
	if st := h.Stats(); st.Dropped != 0 || st.Records != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestSyslogDatagramTooBig(t *testing.T) {
	syslogLeakCheck(t)
	srv := syslogNewUDPServer(t)
	h, err := New(Options{Network: "udp", Addr: srv.addr}, &slogx.Options{OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	l := slog.New(h)
	l.Info(strings.Repeat("x", 70000))
	l.Info("small")
	if got := string(srv.recv()); !strings.HasSuffix(got, " small") {
		t.Fatalf("got %q", got)
	}
	// Issue 15 item 12: a record no datagram can carry is dropped with its cause, not an error.
	if st := h.Stats(); st.Errors != 0 || st.Records != 1 || st.Dropped != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// TestSyslogUnixAuto uses an empty Network with a socket path: datagram first, then
// stream, as Python's SysLogHandler does.
func TestSyslogUnixAuto(t *testing.T) {
	syslogLeakCheck(t)
	dir := t.TempDir()
	dg := syslogNewUnixgramServer(t, dir+"/dgram.sock")
	ln, err := net.Listen("unix", dir+"/stream.sock")
	if err != nil {
		t.Fatal(err)
	}
	st := syslogNewStreamServer(t, ln)
	for _, path := range []string{dg.addr, st.addr} {
		h, err := New(Options{Addr: path, Hostname: "h", AppName: "app", ProcID: "7"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		slog.New(h).Warn("local")
		h.Close()
	}
	if got := string(dg.recv()); !strings.HasSuffix(got, " app[7]: local") || !strings.HasPrefix(got, "<12>") {
		t.Errorf("unixgram got %q (want the local RFC 3164 form)", got)
	}
	frames := syslogFrames(t, st, 1)
	if !strings.HasSuffix(frames[0], " app[7]: local") {
		t.Errorf("unix stream got %q", frames)
	}
}

func TestSyslogTLS(t *testing.T) {
	syslogLeakCheck(t)
	cert, pool := syslogTestCert(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	srv := syslogNewStreamServer(t, ln)
	h, err := New(Options{Network: "tcp+tls", Addr: srv.addr, TLS: &tls.Config{RootCAs: pool}, Hostname: "h", AppName: "a", ProcID: "1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h).Error("over tls", "msgid", "SEC")
	got := syslogFrames(t, srv, 1)
	h.Close()
	if !strings.HasPrefix(got[0], "<11>1 ") || !strings.HasSuffix(got[0], " h a 1 SEC - over tls") {
		t.Fatalf("got %q", got)
	}

	// A server the client does not trust: the handshake fails, the record is held and the
	// failure reported.
	errs := &syslogErrs{}
	h2, _ := New(Options{Network: "tcp+tls", Addr: srv.addr}, &slogx.Options{OnError: errs.add})
	slog.New(h2).Info("untrusted")
	h2.Close()
	if !strings.Contains(errs.String(), "certificate") {
		t.Fatalf("errors %s", errs)
	}
}

// syslogTestCert makes a self-signed certificate for 127.0.0.1.
func syslogTestCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "syslog test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
