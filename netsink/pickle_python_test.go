package netsink

import (
	"bytes"
	"log/slog"
	"net"
	"os/exec"
	"reflect"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink/internal/nettest"
)

// The real python3 sends, through logging.handlers.SocketHandler on one connection, a record
// carrying every allowlisted type in extra, one carrying an instance of its own class, and
// two more after it.
const pickleObjectsSender = `
import datetime, decimal, logging, logging.handlers, sys
class Point:
    pass
log = logging.getLogger("objs")
log.setLevel(logging.INFO)
log.propagate = False
h = logging.handlers.SocketHandler("127.0.0.1", int(sys.argv[1]))
log.addHandler(h)
tz = datetime.timezone(datetime.timedelta(hours=-5, minutes=-30), "EST")
log.info("objects", extra={
    "b": b"\x00\x01\xff", "ba": bytearray(b"ab\x00"), "s": {3}, "fs": frozenset(["x"]),
    "dt": datetime.datetime(2024, 1, 2, 3, 4, 5, 123456),
    "dtz": datetime.datetime(2024, 6, 1, 12, 30, tzinfo=tz),
    "dtu": datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.timezone.utc),
    "d": datetime.date(2024, 2, 29), "t": datetime.time(13, 14, 15, 16),
    "td": datetime.timedelta(days=-1, seconds=5, microseconds=7),
    "dec": decimal.Decimal("-1.50E+3"),
    "nested": {"when": datetime.date(2000, 1, 1), "amounts": [decimal.Decimal("0.10")]},
})
log.info("custom", extra={"p": Point()})
log.info("after 1")
log.warning("after 2")
h.close()
`

func TestPythonSocketHandlerObjects(t *testing.T) {
	nettest.NoLeak(t)
	py := wirePython(t)
	capt := newWireCapture()
	srv := &Server{Handler: capt, AcceptPickle: true, OnError: func(error) {}}
	addr := wireServe(t, srv, "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(addr)
	if out, err := exec.Command(py, "-c", pickleObjectsSender, port).CombinedOutput(); err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	recs := capt.wait(t, 3)
	var msgs []string
	for _, r := range recs {
		msgs = append(msgs, r.Message)
	}
	if !reflect.DeepEqual(msgs, []string{"objects", "after 1", "after 2"}) {
		t.Fatalf("messages %q", msgs)
	}
	attrs := map[string]slog.Value{}
	recs[0].Attrs(func(a slog.Attr) bool {
		attrs[a.Key] = a.Value
		return true
	})
	est := time.FixedZone("EST", -(5*3600 + 30*60))
	for key, want := range map[string]any{
		"b":      []byte{0, 1, 0xff},
		"ba":     []byte("ab\x00"),
		"s":      []any{int64(3)},
		"fs":     []any{"x"},
		"dt":     time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC),
		"dtz":    time.Date(2024, 6, 1, 12, 30, 0, 0, est),
		"dtu":    time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC),
		"d":      "2024-02-29",
		"t":      "13:14:15.000016",
		"td":     -24*time.Hour + 5*time.Second + 7*time.Microsecond,
		"dec":    "-1.50E+3",
		"nested": "[when=2000-01-01 amounts=[0.10]]",
	} {
		v, ok := attrs[key]
		if !ok {
			t.Errorf("%s missing", key)
			continue
		}
		var got any
		switch v.Kind() {
		case slog.KindGroup:
			got = v.String()
		default:
			got = v.Any()
		}
		switch w := want.(type) {
		case time.Time:
			g, ok := got.(time.Time)
			_, goff := g.Zone()
			_, woff := w.Zone()
			if !ok || !g.Equal(w) || goff != woff || g.Location().String() != w.Location().String() {
				t.Errorf("%s = %v, want %v", key, got, w)
			}
		case []byte:
			if g, ok := got.([]byte); !ok || !bytes.Equal(g, w) {
				t.Errorf("%s = %#v, want %#v", key, got, w)
			}
		default:
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s = %#v, want %#v", key, got, want)
			}
		}
	}
	if st := srv.Stats(); st.Records != 3 || st.Refused != 1 || st.Malformed != 0 || st.Conns != 1 {
		t.Errorf("stats %+v", st)
	}
}
