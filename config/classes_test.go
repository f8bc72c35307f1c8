package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/sinks"
)

// TestEveryClassLoads loads one document naming every handler class, network ones pointed
// at loopback listeners opened here, sends a record through the socket, syslog and HTTP
// handlers to check what arrives, and checks that Close leaves no goroutine behind.
func TestEveryClassLoads(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir := t.TempDir()

	// Socket -> a netsink.Server (msgpack, acknowledged).
	var mu sync.Mutex
	var got bytes.Buffer
	srvHandler := slog.NewTextHandler(lockedWriter{&mu, &got}, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}})
	srv := &netsink.Server{Handler: srvHandler}
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(tcp)
	defer srv.Shutdown(context.Background())

	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	smtpLn, err := net.Listen("tcp", "127.0.0.1:0") // never spoken to: nothing is mailed
	if err != nil {
		t.Fatal(err)
	}
	defer smtpLn.Close()

	forms := make(chan url.Values, 1)
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		forms <- r.URL.Query()
	}))
	defer web.Close()
	webHost := strings.TrimPrefix(web.URL, "http://")

	_, tcpPort, _ := net.SplitHostPort(tcp.Addr().String())
	_, udpPort, _ := net.SplitHostPort(udp.LocalAddr().String())
	_, smtpPort, _ := net.SplitHostPort(smtpLn.Addr().String())
	doc := fmt.Sprintf(`
version: 1
formatters:
  msg: {format: "%%(name)s: %%(message)s"}
  json: {class: slogx.JSON}
handlers:
  stream: {class: logging.StreamHandler, stream: "ext://sys.stderr", level: CRITICAL}
  file: {class: logging.FileHandler, filename: %[1]s/file.log, mode: w, delay: true}
  nothing: {class: logging.NullHandler}
  watched: {class: logging.handlers.WatchedFileHandler, filename: %[1]s/watched.log, formatter: json}
  rot: {class: logging.handlers.RotatingFileHandler, filename: %[1]s/rot.log, maxBytes: 1000, backupCount: 2}
  timed: {class: logging.handlers.TimedRotatingFileHandler, filename: %[1]s/timed.log, when: midnight, atTime: "01:30", utc: true}
  socket: {class: logging.handlers.SocketHandler, host: 127.0.0.1, port: %[2]s}
  datagram: {class: logging.handlers.DatagramHandler, host: 127.0.0.1, port: %[3]s, level: CRITICAL}
  syslog: {class: logging.handlers.SysLogHandler, address: [127.0.0.1, %[3]s], facility: local3, formatter: msg}
  smtp:
    class: logging.handlers.SMTPHandler
    mailhost: [127.0.0.1, %[4]s]
    fromaddr: app@example.com
    toaddrs: [ops@example.com]
    subject: "app {{failed}}"
    credentials: [user, secret]
    secure: []
    level: CRITICAL
  http: {class: logging.handlers.HTTPHandler, host: "%[5]s", url: /log, method: GET}
  mem: {class: logging.handlers.MemoryHandler, capacity: 10, target: file, flushLevel: 40}
  queue: {class: logging.handlers.QueueHandler, handlers: [rot, timed]}
  size: {class: slogx.rotate.Size, filename: %[1]s/size.log, maxBytes: 1000, backupCount: 1, compress: true, maxAge: 86400}
  timed2: {class: slogx.rotate.Timed, filename: %[1]s/timed2.log, when: H, maxAge: 3600.5}
  syslog2: {class: slogx.netsink.Syslog, network: udp, address: "127.0.0.1:%[3]s", format: rfc5424, appName: app, level: CRITICAL}
  queue2: {class: slogx.queue.Queue, handlers: [size], capacity: 16, overflow: drop-oldest}
loggers:
  net: {handlers: [socket, syslog, http], level: INFO, propagate: false}
root: {level: DEBUG, handlers: [stream, file, nothing, watched, mem, queue, queue2, timed2, datagram, smtp, syslog2]}
`, dir, tcpPort, udpPort, smtpPort, webHost)
	l, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	l.Logger("app").Info("to the files")
	l.Logger("net").Warn("over the network")
	if err := l.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}

	udp.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 1024)
	n, _, err := udp.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	// CPython's bytes: <PRI> (local3 = 19, warning = 4) + the formatted record + NUL.
	if want := "<156>net: over the network\x00"; string(buf[:n]) != want {
		t.Errorf("syslog datagram %q, want %q", buf[:n], want)
	}
	select {
	case f := <-forms:
		if f.Get("msg") != "over the network" || f.Get("levelname") != "WARNING" {
			t.Errorf("HTTP form %v", f)
		}
	case <-time.After(5 * time.Second):
		t.Error("no HTTP request")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if s := got.String(); !strings.Contains(s, `msg="over the network" logger=net`) {
		t.Errorf("collector got %q", s)
	}
	mu.Unlock()
	for _, f := range []string{"file.log", "watched.log", "rot.log", "timed.log", "size.log", "timed2.log"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !bytes.Contains(b, []byte("to the files")) {
			t.Errorf("%s: %q, %v", f, b, err)
		}
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestEventLogClass loads NTEventLogHandler: on Windows it is the event log; elsewhere
// loading fails with sinks.ErrEventLogUnsupported, at load time.
func TestEventLogClass(t *testing.T) {
	l, err := Parse([]byte(`{"version": 1, "handlers": {"ev": {"class": "logging.handlers.NTEventLogHandler", "appname": "slogx-config-test"}}}`))
	if runtime.GOOS == "windows" {
		if err != nil {
			t.Skipf("event log not available: %v", err)
		}
		l.Close()
		return
	}
	if !errors.Is(err, sinks.ErrEventLogUnsupported) {
		t.Fatalf("err = %v, want ErrEventLogUnsupported", err)
	}
	if !strings.HasPrefix(err.Error(), "config: handlers.ev: logging.handlers.NTEventLogHandler: ") {
		t.Errorf("error %q does not name the place", err)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// checkNoLeak fails t if goroutines started during the test outlive it.
func checkNoLeak(t *testing.T) {
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}
