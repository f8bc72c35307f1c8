package syslog

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

func TestSyslogConstructionErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"bad network", Options{Network: "sctp", Addr: "127.0.0.1:514"}, "unknown network"},
		{"no port", Options{Network: "udp", Addr: "127.0.0.1"}, "missing port"},
		{"bad port", Options{Network: "tcp", Addr: "127.0.0.1:notaport"}, "127.0.0.1:notaport"},
		{"facility high", Options{Network: "udp", Addr: "127.0.0.1:514", Facility: 24}, "facility 24"},
		{"facility negative", Options{Network: "udp", Addr: "127.0.0.1:514", Facility: -1}, "facility -1"},
		{"format", Options{Network: "udp", Addr: "127.0.0.1:514", Format: 9}, "unknown format"},
		{"framing", Options{Network: "tcp", Addr: "127.0.0.1:514", Framing: 5}, "unknown framing"},
		{"sd-id", Options{Network: "udp", Addr: "127.0.0.1:514", StructuredDataID: "bad id"}, "invalid SD-ID"},
		{"tls on udp", Options{Network: "udp", Addr: "127.0.0.1:514", TLS: &tls.Config{}}, "use tcp+tls"},
		{"defaults are valid", Options{}, ""},
		{"tcp default address", Options{Network: "tcp+tls"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := New(tc.o, nil)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				h.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestSyslogLazyConnect(t *testing.T) {
	// Nothing listens on this unix path: construction succeeds, the first record is held.
	var errs []error
	h, err := New(Options{Network: "unixgram", Addr: t.TempDir() + "/none.sock"},
		&slogx.Options{OnError: func(err error) { errs = append(errs, err) }})
	if err != nil {
		t.Fatalf("a daemon that is down at start-up must not be an error: %v", err)
	}
	slog.New(h).Info("held")
	st := h.Stats()
	if st.Records != 0 || st.Errors != 1 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "none.sock") { // held, not delivered
		t.Fatalf("stats %+v, errors %v", st, errs)
	}
	h.Close()
	if st := h.Stats(); st.Dropped != 1 {
		t.Fatalf("the held record must be counted as dropped at Close: %+v", st)
	}
}

func TestLevelSeverity(t *testing.T) {
	for _, tc := range []struct {
		l    slog.Level
		want Severity
	}{
		{-8, LOG_DEBUG}, {slog.LevelDebug, LOG_DEBUG}, {-3, LOG_INFO}, {-1, LOG_INFO},
		{slog.LevelInfo, LOG_INFO}, {1, LOG_WARNING}, {3, LOG_WARNING}, {slog.LevelWarn, LOG_WARNING},
		{5, LOG_ERR}, {slog.LevelError, LOG_ERR}, {9, LOG_CRIT}, {12, LOG_CRIT}, {100, LOG_CRIT},
	} {
		if got := LevelSeverity(tc.l); got != tc.want {
			t.Errorf("LevelSeverity(%d) = %v, want %v", tc.l, got, tc.want)
		}
	}
}

// TestSyslogPythonNames compares the facility and priority tables and encodePriority with
// the machine's CPython.
func TestSyslogPythonNames(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		syslogRequirePeer(t, "python3 not found: %v", err)
	}
	out, err := exec.Command(py, "-c", `
import json, logging.handlers as h
H = h.SysLogHandler
print(json.dumps({"f": H.facility_names, "p": H.priority_names,
  "fo": list(H.facility_names), "po": list(H.priority_names),
  "e": [H.encodePriority(H.__new__(H), f, p) for f in H.facility_names for p in H.priority_names]}))`).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		F      map[string]int
		P      map[string]int
		FO, PO []string
		E      []int
	}
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	// Python 3.11 lacks nothing we have; newer ones may add names: ours must cover Python's.
	fn, pn := facilityNames(), priorityNames()
	for name, v := range want.F {
		f, err := ParseFacility(name)
		if err != nil || int(f) != v || int(fn[name]) != v {
			t.Errorf("facility %q: got %d, %v; Python %d", name, f, err, v)
		}
	}
	for name, v := range want.P {
		s, err := ParseSeverity(name)
		if err != nil || int(s) != v || int(pn[name]) != v {
			t.Errorf("priority %q: got %d, %v; Python %d", name, s, err, v)
		}
	}
	if len(fn) != len(want.F) || len(pn) != len(want.P) {
		t.Errorf("tables differ in size: %d/%d facilities, %d/%d priorities", len(fn), len(want.F), len(pn), len(want.P))
	}
	// encodePriority over Python's own (ordered) tables.
	var got []int
	for _, fname := range want.FO {
		for _, pname := range want.PO {
			f, _ := ParseFacility(fname)
			s, _ := ParseSeverity(pname)
			got = append(got, encodePriority(f, s))
		}
	}
	if len(got) != len(want.E) {
		t.Fatalf("encodePriority: %d values, Python %d", len(got), len(want.E))
	}
	for i := range got {
		if got[i] != want.E[i] {
			t.Fatalf("encodePriority #%d = %d, Python %d", i, got[i], want.E[i])
		}
	}
	if _, err := ParseFacility("nope"); err == nil {
		t.Error("ParseFacility accepted an unknown name")
	}
	if LOG_LOCAL3.String() != "local3" || LOG_ERR.String() != "err" {
		t.Errorf("String: %s %s", LOG_LOCAL3, LOG_ERR)
	}
}

// syslogEncode returns the message the handler writes for one record, through the same
// encoder the network handler uses.
func syslogEncode(t testing.TB, o Options, local bool, opts *slogx.Options, log func(*slog.Logger)) string {
	var w syslogCapture
	h, err := syslogNewHandler(&w, &o, local, opts)
	if err != nil {
		t.Fatal(err)
	}
	log(slog.New(h))
	if len(w.msgs) != 1 {
		t.Fatalf("%d messages written, want 1", len(w.msgs))
	}
	return w.msgs[0]
}

type syslogLogValuer struct{ s string }

func (v syslogLogValuer) LogValue() slog.Value { return slog.StringValue(v.s) }

type syslogCapture struct{ msgs []string }

func (c *syslogCapture) Write(p []byte) (int, error) {
	c.msgs = append(c.msgs, string(p))
	return len(p), nil
}

func syslogRecord(l slog.Level, msg string, args ...any) func(*slog.Logger) {
	return func(lg *slog.Logger) {
		r := slog.NewRecord(syslogFixedTime, l, msg, 0)
		r.Add(args...)
		lg.Handler().Handle(context.Background(), r)
	}
}

func TestSyslogFormatsExact(t *testing.T) {
	base := Options{Hostname: "host.example", AppName: "app", ProcID: "42", Facility: LOG_LOCAL4}
	with := func(f func(*Options)) Options { o := base; f(&o); return o }
	for _, tc := range []struct {
		name  string
		o     Options
		local bool
		opts  *slogx.Options
		log   func(*slog.Logger)
		want  string
	}{
		{"5424 plain", base, false, nil, syslogRecord(slog.LevelInfo, "hello"),
			"<166>1 2026-11-26T09:08:07.123456+01:30 host.example app 42 - - hello"},
		{"5424 attrs in msg", base, false, nil, syslogRecord(slog.LevelWarn, "disk full", "path", "/var", "free", 0, slog.Group("g", "x", "a b")),
			`<164>1 2026-11-26T09:08:07.123456+01:30 host.example app 42 - - disk full path=/var free=0 g.x="a b"`},
		{"5424 msgid and sd", base, false, nil, syslogRecord(slog.LevelError, "m", "msgid", "LOGIN", slog.Group("ex@32473", "q", `a"b\c]d`, slog.Group("n", "k", 1)), "z", true),
			`<163>1 2026-11-26T09:08:07.123456+01:30 host.example app 42 LOGIN [ex@32473 q="a\"b\\c\]d" n.k="1"] m z=true`},
		{"5424 sd merge", base, false, nil, func(l *slog.Logger) {
			syslogRecord(12, "m", slog.Group("a@1", "y", 2), slog.Group("b@2", "z", 3), slog.Group("a@1", "w", 4))(l.With(slog.Group("a@1", "x", 1), "msgid", "PRE"))
		}, `<162>1 2026-11-26T09:08:07.123456+01:30 host.example app 42 PRE [a@1 x="1" y="2" w="4"][b@2 z="3"] m`},
		{"5424 catch-all sd", with(func(o *Options) { o.StructuredDataID = "slog@32473" }), false, nil, func(l *slog.Logger) {
			syslogRecord(slog.LevelDebug, "only message", "k", "v", slog.Group("sd@1", "p", "q"))(l.With("w", 1).WithGroup("g"))
		}, `<167>1 2026-11-26T09:08:07.123456+01:30 host.example app 42 - [slog@32473 w="1" g.k="v" g.sd@1.p="q"] only message`},
		{"5424 sanitize", with(func(o *Options) { o.Hostname = "bad host"; o.AppName = "ä" }), false, nil,
			syslogRecord(slog.LevelInfo, "bad \xff utf8", "msgid", "a b", slog.Group("x@1", "bad=name", "v\xfe")),
			"<166>1 2026-11-26T09:08:07.123456+01:30 bad_host __ 42 a_b [x@1 bad%3Dname=\"v\uFFFD\"] bad \uFFFD utf8"},
		{"5424 no time no msg", base, false, nil, func(l *slog.Logger) {
			l.Handler().Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelInfo, "", 0))
		}, "<166>1 - host.example app 42 - -"},
		{"5424 json body", base, false, &slogx.Options{Encoder: slogx.JSON()}, syslogRecord(slog.LevelInfo, "hi", "a", 1),
			`<166>1 2026-11-26T09:08:07.123456+01:30 host.example app 42 - - {"time":"2026-11-26T09:08:07.123456789+01:30","level":"INFO","msg":"hi","a":1}`},
		{"3164", with(func(o *Options) { o.Format = RFC3164 }), false, nil, syslogRecord(slog.LevelInfo, "hello", "msgid", "x"),
			"<166>Nov 26 09:08:07 host.example app[42]: hello msgid=x"},
		{"3164 local", with(func(o *Options) { o.Format = RFC3164; o.AppName = "a:b[c]" }), true, nil, syslogRecord(slog.LevelInfo, "hello"),
			"<166>Nov 26 09:08:07 a_b_c_[42]: hello"},
		{"default on unix is 3164", base, true, nil, syslogRecord(slog.LevelInfo, "x"),
			"<166>Nov 26 09:08:07 app[42]: x"},
		{"python", with(func(o *Options) { o.Format = Python; o.Ident = "id: " }), false, nil, syslogRecord(slog.LevelError, "hé"),
			"<163>id: hé\x00"},
		{"python custom level", with(func(o *Options) { o.Format = Python; o.Severity = PythonSeverity }), false, nil, syslogRecord(-2, "x"),
			"<164>x\x00"},
		{"5424 sd key that is not a group", base, false, nil, syslogRecord(slog.LevelInfo, "m", "x@1", "plain", slog.Group("x@1", "k", "v"), "msgid", syslogLogValuer{"LV"}),
			`<166>1 2026-11-26T09:08:07.123456+01:30 host.example app 42 LV [x@1 k="v"] m x@1=plain`},
		{"5424 ReplaceAttr in sd", base, false, &slogx.Options{ReplaceAttr: func(gs []string, a slog.Attr) slog.Attr {
			if a.Key == "secret" {
				return slog.String(a.Key, strings.Join(gs, "/")+":***")
			}
			return a
		}}, syslogRecord(slog.LevelInfo, "m", slog.Group("auth@1", "secret", "pw", slog.Group("in", "secret", "x")), "secret", "y"),
			`<166>1 2026-11-26T09:08:07.123456+01:30 host.example app 42 - [auth@1 secret="auth@1:***" in.secret="auth@1/in:***"] m secret=:***`},
		{"msgid off", with(func(o *Options) { o.MsgIDKey = "-" }), false, nil, syslogRecord(slog.LevelInfo, "m", "msgid", "x"),
			"<166>1 2026-11-26T09:08:07.123456+01:30 host.example app 42 - - m msgid=x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := syslogEncode(t, tc.o, tc.local, tc.opts, tc.log)
			if got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

type syslogPanicky struct{ p *int }

func (s *syslogPanicky) String() string { return fmt.Sprint(*s.p) }

type syslogBadErr struct{ msg string }

func (e *syslogBadErr) Error() string { return e.msg }

func TestSyslogSDValues(t *testing.T) {
	o := Options{Hostname: "h", AppName: "a", ProcID: "1", StructuredDataID: "v@1"}
	when := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	got := syslogEncode(t, o, false, nil, syslogRecord(slog.LevelInfo, "m",
		"u", uint64(18446744073709551615), "f", 1.5, "d", 1500*time.Millisecond, "t", when,
		"err", errors.New(`bad "thing"]`), "lvl", slog.LevelWarn, "b", []byte("raw"), "nil", nil,
		"panic", &syslogPanicky{}, "st", struct{ A int }{3}, "nilerr", (*syslogBadErr)(nil)))
	want := `<14>1 2026-11-26T09:08:07.123456+01:30 h a 1 - [v@1 u="18446744073709551615" f="1.5" d="1.5s" t="2026-01-02T03:04:05.000000006Z" err="bad \"thing\"\]" lvl="WARN" b="raw" nil="<nil>" panic="%!v(PANIC=String method: runtime error: invalid memory address or nil pointer dereference)" st="{3}" nilerr="!PANIC: runtime error: invalid memory address or nil pointer dereference"] m`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestSyslogIsSDID(t *testing.T) {
	for id, want := range map[string]bool{
		"meta@32473": true, "a@1": true, "x@1.2.3": true, "meta": false, "@1": false, "a@": false,
		"a@x": false, "a@.1": false, "a b@1": false, "a=b@1": false, `a"@1`: false, "a]@1": false,
		"a@1@2": false, strings.Repeat("a", 30) + "@1": true, strings.Repeat("a", 31) + "@1": false,
	} {
		if got := syslogIsSDID(id); got != want {
			t.Errorf("syslogIsSDID(%q) = %v", id, got)
		}
	}
}
