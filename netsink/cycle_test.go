package netsink

import (
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/slogx/handlers/netsink/internal/wire"
	"github.com/slogx/handlers/slogx"
)

type cycleNode struct {
	Name string
	Next *cycleNode
	Kids map[string]any
}

// cyclicValues are values that contain themselves: fmt recurses into the map and the slice
// forever, which overflowed the stack and killed the test binary before.
func cyclicValues() map[string]any {
	m := map[string]any{"k": 1}
	m["self"] = m
	fan := map[string]any{}
	fan["a"], fan["b"] = fan, fan
	s := []any{1, nil}
	s[1] = s
	n := &cycleNode{Name: "n"}
	n.Next = n
	n.Kids = map[string]any{"n": n, "m": m}
	return map[string]any{"map": m, "fan-out map": fan, "slice": s, "pointer struct": n}
}

// TestNetsinkEncodersSurviveCycles encodes each self-containing value with the msgpack,
// syslog, HTTP form and SMTP encoders: a bounded record with a marker, no crash.
func TestNetsinkEncodersSurviveCycles(t *testing.T) {
	smtp := newSMTPEncoder(template.Must(template.New("s").Parse(`{{.Attr "v"}}`)), nil)
	encoders := map[string]slogx.Encoder{
		"msgpack":     wire.New(),
		"http form":   newHTTPFormEncoder("n", time.Now()),
		"smtp":        smtp,
		"syslog 5424": syslogTestEncoder(t, SyslogOptions{}),
		"syslog sd":   syslogTestEncoder(t, SyslogOptions{StructuredDataID: "all@32473"}),
		"syslog 3164": syslogTestEncoder(t, SyslogOptions{Format: SyslogRFC3164}),
		"syslog sd group and msgid": syslogTestEncoder(t, SyslogOptions{}).
			WithAttrs([]slog.Attr{slog.Any("msgid", cyclicValues()["map"])}),
	}
	for ename, enc := range encoders {
		for vname, v := range cyclicValues() {
			t.Run(ename+"/"+vname, func(t *testing.T) {
				r := slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)
				r.AddAttrs(slog.Any("v", v), slog.Group("sd@1", slog.Any("v", v)))
				out := enc.WithAttrs([]slog.Attr{slog.Any("w", v)}).Append(nil, r)
				if len(out) > 4096 {
					t.Fatalf("%d bytes: %.300q", len(out), out)
				}
				text := string(out)
				if ename == "http form" {
					text, _ = url.QueryUnescape(text)
				}
				if !strings.Contains(text, "!CYCLE") {
					t.Fatalf("no marker in %q", out)
				}
				if ename != "msgpack" {
					return
				}
				d, err := wire.DecodeRecord(out)
				if err != nil {
					t.Fatal(err)
				}
				d.Attrs(func(a slog.Attr) bool {
					if s := a.Value.String(); a.Key == "v" && !strings.Contains(s, "!CYCLE") && !strings.Contains(s, "0x") {
						t.Errorf("decoded %s=%s", a.Key, s)
					}
					return true
				})
			})
		}
	}
}

func syslogTestEncoder(t *testing.T, o SyslogOptions) slogx.Encoder {
	t.Helper()
	o.Hostname, o.AppName, o.ProcID = "h", "a", "1"
	cfg, err := syslogNewConfig(&o, false)
	if err != nil {
		t.Fatal(err)
	}
	return &syslogEncoder{cfg: cfg, body: slogx.TextAttrs()}
}

// TestSMTPAttrCycle: a subject template naming a self-containing attribute.
func TestSMTPAttrCycle(t *testing.T) {
	m := cyclicValues()["map"]
	r := SMTPRecord{rec: slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)}
	r.rec.AddAttrs(slog.Any("v", m))
	r.scope = newSMTPEncoder(template.Must(template.New("s").Parse("")), nil).scope
	if got := r.Attr("v"); got != "map[k:1 self:map[!CYCLE]]" {
		t.Fatalf("Attr = %q", got)
	}
}
