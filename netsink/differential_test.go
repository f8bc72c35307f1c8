package netsink

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink/internal/wire"
	"github.com/slogx/handlers/slogx"
)

// The differential suite: every attribute case of internal/testutil, through each encoder
// of this package, compared with slog.JSONHandler (see testutil.AttrCase).

// TestDifferentialMsgpack decodes what Msgpack wrote and compares its attribute tree with
// slog's JSON; and, where ReplaceAttr leaves the built-ins as they are, the whole record
// re-encoded by slog.JSONHandler with slog's own line.
func TestDifferentialMsgpack(t *testing.T) {
	for _, c := range testutil.AttrCases() {
		var buf bytes.Buffer
		c.Handle(t, slogx.NewHandler(&buf, &slogx.Options{Encoder: wire.New(), NoTerminator: true, ReplaceAttr: testutil.AttrsOnly(c.ReplaceAttr)}))
		dec, err := wire.DecodeRecord(buf.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		var tree []slog.Attr
		dec.Attrs(func(a slog.Attr) bool { tree = append(tree, a); return true })
		want := c.WantLeaves(t, "\x1f")
		if got := testutil.TreeLeaves(t, tree, "\x1f"); !slices.Equal(got, want) {
			t.Errorf("%s:\nslog:    %q\nmsgpack: %q", c.Name, want, got)
		}

		if c.RewritesBuiltins || c.SlogMisnests || c.SlogHollow {
			continue // msgpack has fields for the built-ins; slog's line is wrong; {} dropped
		}
		var std, round bytes.Buffer
		c.Handle(t, slog.NewJSONHandler(&std, &slog.HandlerOptions{ReplaceAttr: c.ReplaceAttr}))
		buf.Reset()
		c.Handle(t, slogx.NewHandler(&buf, &slogx.Options{Encoder: wire.New(), NoTerminator: true, ReplaceAttr: c.ReplaceAttr}))
		if dec, err = wire.DecodeRecord(buf.Bytes()); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if err := slog.NewJSONHandler(&round, nil).Handle(context.Background(), dec); err != nil {
			t.Fatal(err)
		}
		if round.String() != std.String() {
			t.Errorf("%s:\nslog:    %s\nmsgpack: %s", c.Name, std.String(), round.String())
		}
	}
}

// TestDifferentialHTTPForm compares the attribute fields of the Python form body (dotted
// keys after the LogRecord fields) with slog's JSON flattened the same way.
func TestDifferentialHTTPForm(t *testing.T) {
	for _, c := range testutil.AttrCases() {
		enc := newHTTPFormEncoder("root", time.Now()).WithOptions(slogx.EncoderOptions{ReplaceAttr: testutil.AttrsOnly(c.ReplaceAttr)})
		for _, s := range c.Steps {
			if s.Group != "" {
				enc = enc.WithGroup(s.Group)
			} else {
				enc = enc.WithAttrs(s.Attrs)
			}
		}
		body := enc.Append(nil, c.Record())
		// The LogRecord fields come first: all of httpPythonKeys but message, asctime and
		// taskName, which Python's LogRecord does not set.
		pairs := strings.Split(string(body), "&")[len(httpPythonKeys)-3:]
		if len(body) == 0 || len(pairs) == 1 && pairs[0] == "" {
			pairs = nil
		}
		var got []string
		for _, p := range pairs {
			k, v, _ := strings.Cut(p, "=")
			k, _ = url.QueryUnescape(k)
			v, _ = url.QueryUnescape(v)
			switch v { // Python's str() of a bool
			case "True", "False":
				v = strings.ToLower(v)
			}
			got = append(got, k+"="+v)
		}
		var want []string
		for _, l := range c.WantLeaves(t, "\x1f") {
			if !strings.Contains(l[:strings.Index(l, "=")], "\x1f") {
				for httpReserved(l[:strings.Index(l, "=")]) {
					l = "_" + l
				}
			}
			want = append(want, strings.ReplaceAll(l, "\x1f", "."))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s:\nslog: %q\nform: %q", c.Name, want, got)
		}
	}
}

// TestDifferentialSyslogSD compares the PARAMs of the catch-all SD-ELEMENT (every attribute
// in RFC 5424 structured data, nested groups as dotted names) with slog's JSON flattened.
func TestDifferentialSyslogSD(t *testing.T) {
	const id = "slog@32473"
	for _, c := range testutil.AttrCases() {
		var buf bytes.Buffer
		o := SyslogOptions{Format: SyslogRFC5424, StructuredDataID: id, MsgIDKey: "-", Hostname: "h", AppName: "a", ProcID: "1"}
		h, err := syslogNewHandler(&buf, &o, false, &slogx.Options{ReplaceAttr: testutil.AttrsOnly(c.ReplaceAttr)})
		if err != nil {
			t.Fatal(err)
		}
		c.Handle(t, h)
		got := sdParams(t, buf.String(), id)
		want := c.WantLeaves(t, ".")
		if !slices.Equal(got, want) {
			t.Errorf("%s:\nslog: %q\nsd:   %q\nmsg:  %s", c.Name, want, got, buf.String())
		}
	}
}

// sdParams returns the PARAMs of the SD-ELEMENT id in msg as name=value, unescaped.
func sdParams(t *testing.T, msg, id string) []string {
	t.Helper()
	i := strings.Index(msg, "["+id)
	if i < 0 {
		return nil
	}
	s := msg[i+1+len(id):]
	var out []string
	for len(s) > 0 && s[0] == ' ' {
		eq := strings.Index(s, `="`)
		if eq < 0 {
			t.Fatalf("malformed SD in %q", msg)
		}
		name := s[1:eq]
		s = s[eq+2:]
		var v strings.Builder
		for s[0] != '"' {
			if s[0] == '\\' {
				s = s[1:]
			}
			v.WriteByte(s[0])
			s = s[1:]
		}
		s = s[1:]
		out = append(out, name+"="+v.String())
	}
	if len(s) == 0 || s[0] != ']' {
		t.Fatalf("unterminated SD-ELEMENT in %q", msg)
	}
	return out
}
