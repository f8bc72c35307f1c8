package syslog

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"

	syslog "github.com/leodido/go-syslog/v4"
	"github.com/leodido/go-syslog/v4/octetcounting"
	"github.com/leodido/go-syslog/v4/rfc3164"
	"github.com/leodido/go-syslog/v4/rfc5424"
)

// syslogValidUTF8 is what the handler promises for text: each invalid byte becomes U+FFFD.
func syslogValidUTF8(s string) string { return string([]rune(s)) }

// syslogMSG is the text of a parsed RFC 5424 MSG: go-syslog keeps the BOM that starts a
// MSG-UTF8, which the RFC (section 6.4) and syslog-ng read as a marker, not as text.
func syslogMSG(m *rfc5424.SyslogMessage) string {
	return strings.TrimPrefix(deref(m.Message), "\ufeff")
}

// A message that starts with U+FEFF keeps it: a BOM goes before it, and only there.
func TestSyslog5424LeadingBOM(t *testing.T) {
	for msg, want := range map[string]string{
		"\ufeffstarts": " \xef\xbb\xbf\ufeffstarts",
		"ends\ufeff":   " ends\ufeff",
		"plain":        " plain",
	} {
		var w syslogCapture
		h, err := syslogNewHandler(&w, &Options{Hostname: "h", AppName: "a", ProcID: "1"}, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Handle(context.Background(), slog.NewRecord(syslogFixedTime, slog.LevelInfo, msg, 0)); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(w.msgs[0], " -"+want) {
			t.Errorf("%q: wire %q, want it to end in %q", msg, w.msgs[0], " -"+want)
		}
		m, err := rfc5424.NewParser().Parse([]byte(w.msgs[0]))
		if err != nil {
			t.Fatal(err)
		}
		if got := syslogMSG(m.(*rfc5424.SyslogMessage)); got != msg {
			t.Errorf("MSG %q, want %q", got, msg)
		}
	}
}

func syslogFuzzSeeds(f *testing.F) {
	f.Add("hello", "key", "value", int64(1), 0)
	f.Add("", "", "", int64(0), 4)
	f.Add("héllo\nwörld\r\n", "a b=c]\"d", `quote " back \ bracket ]`, int64(-7), 8)
	f.Add("\xff\xfe bad utf8", "\xff", "v\xc3", int64(1<<62), 12)
	f.Add("\ufeffstarts with BOM", "x@1", "[nested]", int64(3), -4)
	f.Add(" leading space", strings.Repeat("k", 40), strings.Repeat("v", 300), int64(9), 2)
	f.Add("12 <1>1 - - - - - - forged\n<1>1 - - - - - - forged", "msgid", "ID with spaces", int64(5), 1)
}

// FuzzSyslog5424 checks that every record, whatever its message and attributes, is a valid
// RFC 5424 message for go-syslog's strict parser, that MSG, MSGID and STRUCTURED-DATA
// round-trip (after the documented sanitizing), and that octet-counted frames split back
// into the same messages.
func FuzzSyslog5424(f *testing.F) {
	syslogFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, msg, key, val string, n int64, level int) {
		parser := rfc5424.NewParser()
		o := Options{Hostname: "h", AppName: "app", ProcID: "1", StructuredDataID: "all@32473"}
		var w syslogCapture
		h, err := syslogNewHandler(&w, &o, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := slog.NewRecord(syslogFixedTime, slog.Level(level), msg, 0)
		r.AddAttrs(slog.String(key, val), slog.Int64("n", n), slog.Group("grp@1", slog.String(key, val)), slog.String("msgid", val))
		if err := h.Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		m, err := parser.Parse([]byte(w.msgs[0]))
		if err != nil {
			t.Fatalf("parse %q: %v", w.msgs[0], err)
		}
		sm := m.(*rfc5424.SyslogMessage)
		if got, want := syslogMSG(sm), syslogValidUTF8(msg); got != want {
			t.Fatalf("MSG %q, want %q (wire %q)", got, want, w.msgs[0])
		}
		if *sm.Severity != uint8(LevelSeverity(slog.Level(level))) || *sm.Facility != uint8(LOG_USER) {
			t.Fatalf("PRI %d", *sm.Priority)
		}
		wantID := string(syslogAppendMsgID(nil, slog.StringValue(val)))
		if wantID == "-" {
			wantID = ""
		}
		if got := deref(sm.MsgID); got != wantID {
			t.Fatalf("MSGID %q, want %q", got, wantID)
		}
		name := string(syslogAppendSDName(nil, nil, key))
		sd := *sm.StructuredData
		if got := sd["grp@1"][name]; got != syslogValidUTF8(val) {
			t.Fatalf("SD grp@1 %q=%q, want %q (wire %q)", name, got, val, w.msgs[0])
		}
		if name != "n" && key != "msgid" {
			if got := sd["all@32473"][name]; got != syslogValidUTF8(val) {
				t.Fatalf("SD all %q=%q, want %q (wire %q)", name, got, val, w.msgs[0])
			}
		}

		// The default MSG: the message, then the attributes exactly as slog.TextHandler
		// writes them.
		o.StructuredDataID = ""
		w.msgs = nil
		h, _ = syslogNewHandler(&w, &o, false, nil)
		r = slog.NewRecord(syslogFixedTime, slog.Level(level), msg, 0)
		r.AddAttrs(slog.String(key, val), slog.Int64("n", n))
		h.Handle(context.Background(), r)
		m, err = parser.Parse([]byte(w.msgs[0]))
		if err != nil {
			t.Fatalf("parse %q: %v", w.msgs[0], err)
		}
		if key != "time" && key != "level" && key != "msg" && key != "msgid" {
			var text bytes.Buffer
			th := slog.NewTextHandler(&text, &slog.HandlerOptions{ReplaceAttr: func(gs []string, a slog.Attr) slog.Attr {
				if len(gs) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey || a.Key == slog.MessageKey) {
					return slog.Attr{}
				}
				return a
			}})
			th.Handle(context.Background(), r)
			want := strings.TrimSuffix(text.String(), "\n")
			if msg != "" {
				want = msg + " " + want
			}
			if got := syslogMSG(m.(*rfc5424.SyslogMessage)); got != syslogValidUTF8(want) {
				t.Fatalf("default MSG %q, want %q", got, want)
			}
		}

		// Octet counting: two frames back to back split into the same two messages.
		stream := syslogAppendFrame(nil, []byte(w.msgs[0]), OctetCounting)
		stream = syslogAppendFrame(stream, []byte(w.msgs[0]), OctetCounting)
		var results []*syslog.Result
		octetcounting.NewParser(syslog.WithMaxMessageLength(1<<20), syslog.WithListener(func(res *syslog.Result) {
			results = append(results, res)
		})).Parse(bytes.NewReader(stream))
		if len(results) != 2 {
			t.Fatalf("octet counting: %d results from %q", len(results), stream)
		}
		for _, res := range results {
			if res.Error != nil {
				t.Fatalf("octet counting: %v in %q", res.Error, stream)
			}
			if got := deref(res.Message.(*rfc5424.SyslogMessage).Message); got != deref(m.(*rfc5424.SyslogMessage).Message) {
				t.Fatalf("octet counting changed MSG: %q", got)
			}
		}

		// LF framing: exactly one LF, at the end.
		lf := syslogAppendFrame(nil, []byte(w.msgs[0]), LF)
		if bytes.IndexByte(lf, '\n') != len(lf)-1 {
			t.Fatalf("LF frame %q has an inner LF", lf)
		}
	})
}

// FuzzSyslog3164 checks that every RFC 3164 record parses with go-syslog's RFC 3164 parser
// with the header fields intact and the message after the tag, control characters escaped
// as "#ooo".
func FuzzSyslog3164(f *testing.F) {
	syslogFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, msg, key, val string, n int64, level int) {
		o := Options{Hostname: "host", AppName: "app", ProcID: "42", Format: RFC3164, Facility: LOG_LOCAL1}
		var w syslogCapture
		h, err := syslogNewHandler(&w, &o, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := slog.NewRecord(syslogFixedTime, slog.Level(level), msg, 0)
		r.AddAttrs(slog.String(key, val), slog.Int64("n", n))
		h.Handle(context.Background(), r)
		m, err := rfc3164.NewParser().Parse([]byte(w.msgs[0]))
		if err != nil || m == nil {
			t.Fatalf("parse %q: %v", w.msgs[0], err)
		}
		sm := m.(*rfc3164.SyslogMessage)
		if deref(sm.Hostname) != "host" || deref(sm.Appname) != "app" || deref(sm.ProcID) != "42" || *sm.Facility != uint8(LOG_LOCAL1) {
			t.Fatalf("header: %q %q %q %d in %q", deref(sm.Hostname), deref(sm.Appname), deref(sm.ProcID), *sm.Facility, w.msgs[0])
		}
		body := w.msgs[0][strings.Index(w.msgs[0], "]: ")+3:]
		wantMsg := string(syslogEscapeControls([]byte(syslogValidUTF8(msg)), 0))
		if !utf8.ValidString(body) || !strings.HasPrefix(body, wantMsg) {
			t.Fatalf("body %q does not start with %q", body, msg)
		}
		if got := deref(sm.Message); got != body {
			t.Fatalf("message %q, want %q", got, body)
		}
	})
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
