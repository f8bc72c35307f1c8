package syslog

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

// TestDifferentialSyslogSD compares the PARAMs of the catch-all SD-ELEMENT (every attribute
// in RFC 5424 structured data, nested groups as dotted names) with slog's JSON flattened.
func TestDifferentialSyslogSD(t *testing.T) {
	const id = "slog@32473"
	for _, c := range testutil.AttrCases() {
		var buf bytes.Buffer
		o := Options{Format: RFC5424, StructuredDataID: id, MsgIDKey: "-", Hostname: "h", AppName: "a", ProcID: "1"}
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
