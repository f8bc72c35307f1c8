package netsink

import (
	"fmt"
	"log/slog"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink/internal/nettest"
)

// The real python3 logs through logging.handlers.SocketHandler and DatagramHandler to a
// Server with AcceptPickle.
const wirePythonSender = `
import logging, logging.handlers, sys
tcp, udp = int(sys.argv[1]), int(sys.argv[2])
log = logging.getLogger("pyapp")
log.setLevel(logging.DEBUG)
log.propagate = False
sh = logging.handlers.SocketHandler("127.0.0.1", tcp)
dh = logging.handlers.DatagramHandler("127.0.0.1", udp)
log.addHandler(sh)
log.addHandler(dh)
log.debug("debug %s", "arg")
log.info("info", extra={"user": "bob", "n": 1 << 70, "lst": [1, "a", None], "d": {"k": 1.5}})
log.warning("warn \u00fcnicode")
log.error("err")
log.critical("crit")
try:
    1 / 0
except ZeroDivisionError:
    log.exception("boom")
sh.close()
dh.close()
`

func TestPythonSocketAndDatagramHandlers(t *testing.T) {
	nettest.NoLeak(t)
	py := wirePython(t)
	tcpCapt, udpCapt := newWireCapture(), newWireCapture()
	tcpSrv := &Server{Handler: tcpCapt, AcceptPickle: true}
	udpSrv := &Server{Handler: udpCapt, AcceptPickle: true}
	tcpAddr := wireServe(t, tcpSrv, "127.0.0.1:0")
	udpAddr := wireServePacket(t, udpSrv)
	port := func(a string) string {
		_, p, _ := net.SplitHostPort(a)
		return p
	}
	before := time.Now().Add(-time.Second)
	out, err := exec.Command(py, "-c", wirePythonSender, port(tcpAddr), port(udpAddr)).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	after := time.Now().Add(time.Second)
	for name, capt := range map[string]*wireCapture{"SocketHandler": tcpCapt, "DatagramHandler": udpCapt} {
		t.Run(name, func(t *testing.T) {
			recs := capt.wait(t, 6)
			wantMsgs := []string{"debug arg", "info", "warn ünicode", "err", "crit", "boom"}
			wantLevels := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError, 12, slog.LevelError}
			for i, r := range recs {
				if r.Message != wantMsgs[i] || r.Level != wantLevels[i] {
					t.Errorf("record %d: %v %q, want %v %q", i, r.Level, r.Message, wantLevels[i], wantMsgs[i])
				}
				if r.Time.Before(before) || r.Time.After(after) {
					t.Errorf("record %d: time %v outside [%v, %v]", i, r.Time, before, after)
				}
				attrs := map[string]slog.Value{}
				r.Attrs(func(a slog.Attr) bool {
					attrs[a.Key] = a.Value
					return true
				})
				if attrs["name"].String() != "pyapp" || attrs["funcName"].String() != "<module>" || attrs["lineno"].Kind() != slog.KindInt64 {
					t.Errorf("record %d: attrs %v", i, attrs)
				}
				for _, k := range []string{"msg", "args", "levelno", "created", "exc_info"} {
					if _, ok := attrs[k]; ok {
						t.Errorf("record %d: %s kept as attr", i, k)
					}
				}
				switch i {
				case 1:
					if attrs["user"].String() != "bob" || attrs["n"].String() != "1180591620717411303424" ||
						fmt.Sprint(attrs["lst"].Any()) != "[1 a <nil>]" || attrs["d"].String() != "[k=1.5]" {
						t.Errorf("extras %v", attrs)
					}
				case 5:
					if !strings.Contains(attrs["exc_text"].String(), "ZeroDivisionError") {
						t.Errorf("exc_text %q", attrs["exc_text"])
					}
				}
			}
		})
	}
	if st := tcpSrv.Stats(); st.Records != 6 || st.Acks != 0 || st.Malformed+st.Refused != 0 {
		t.Errorf("tcp server stats %+v", st)
	}
}

// Without AcceptPickle, Python's SocketHandler traffic is refused and counted.
func TestPythonSocketHandlerRefused(t *testing.T) {
	nettest.NoLeak(t)
	py := wirePython(t)
	capt := newWireCapture()
	errs := make(chan error, 10)
	srv := &Server{Handler: capt, OnError: func(err error) {
		select {
		case errs <- err:
		default:
		}
	}}
	addr := wireServe(t, srv, "127.0.0.1:0")
	_, p, _ := net.SplitHostPort(addr)
	script := `
import logging, logging.handlers, sys
h = logging.handlers.SocketHandler("127.0.0.1", int(sys.argv[1]))
logging.getLogger().addHandler(h)
logging.getLogger().warning("hello")
h.close()
`
	if out, err := exec.Command(py, "-c", script, p).CombinedOutput(); err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), "AcceptPickle") {
			t.Errorf("error %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no error reported")
	}
	if st := srv.Stats(); st.Refused != 1 || st.Records != 0 {
		t.Errorf("stats %+v", st)
	}
}
