package syslog

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/leodido/go-syslog/v4/rfc5424"
)

// TestSyslogCatchAllSDIDRefused: RFC 5424 reserves SD-IDs without '@' for IANA, and the
// registered ones admit only their own params, so the catch-all must be name@number.
func TestSyslogCatchAllSDIDRefused(t *testing.T) {
	for _, id := range []string{"slog", "meta", "origin", "timeQuality", "a@1@2", "x@", "@1", "a@x", "a@.1",
		"a=b@1", "a b@1", "a]@1", `a"@1`, "a@1 ", "é@1", strings.Repeat("a", 31) + "@1"} {
		_, err := New(Options{Network: "udp", Addr: "127.0.0.1:514", StructuredDataID: id}, nil)
		if err == nil || !strings.Contains(err.Error(), "invalid SD-ID") || !strings.Contains(err.Error(), "enterprise") {
			t.Errorf("StructuredDataID %q: err = %v", id, err)
		}
	}
	for _, id := range []string{"slog@32473", "a@1", "x@1.2.3", strings.Repeat("a", 30) + "@1"} {
		h, err := New(Options{Network: "udp", Addr: "127.0.0.1:514", StructuredDataID: id}, nil)
		if err != nil {
			t.Errorf("StructuredDataID %q: %v", id, err)
			continue
		}
		h.Close()
	}
}

// TestSyslogParamNamesDistinct logs attributes whose keys sanitized to one PARAM-NAME
// before ("a b", "a_b", "a=b" were all "a_b"; keys sharing 32 bytes were cut to the same
// name; "" was "_"): each now has a name of its own, the strict parser keeps every value, and
// a short name percent-decodes back to its key.
func TestSyslogParamNamesDistinct(t *testing.T) {
	long := strings.Repeat("k", 32)
	keys := []string{"a b", "a_b", "a=b", "a]b", `a"b`, "a%b", "a%20b", "a\nb", "é", "",
		"_", "%~", long + "1", long + "2", strings.Repeat("=", 40) + "1", strings.Repeat("=", 40) + "2",
		"%" + long, "k%" + long}
	o := Options{Hostname: "h", AppName: "a", ProcID: "1", StructuredDataID: "all@32473"}
	msg := syslogEncode(t, o, false, nil, func(l *slog.Logger) {
		r := slog.NewRecord(syslogFixedTime, slog.LevelInfo, "m", 0)
		for i, k := range keys {
			r.AddAttrs(slog.Int(k, i))
		}
		l.Handler().Handle(context.Background(), r)
	})
	m, err := rfc5424.NewParser().Parse([]byte(msg))
	if err != nil {
		t.Fatalf("strict parser refuses %q: %v", msg, err)
	}
	params := (*m.(*rfc5424.SyslogMessage).StructuredData)["all@32473"]
	if len(params) != len(keys) {
		t.Fatalf("%d params for %d keys: %q", len(params), len(keys), msg)
	}
	for name := range params {
		if len(name) > syslogMaxSDName {
			t.Errorf("name %q longer than 32 bytes", name)
		}
		if strings.Contains(name, "%~") {
			continue
		}
		key, err := url.PathUnescape(name)
		if err != nil || !contains(keys, key) {
			t.Errorf("name %q does not decode to a key (%q, %v)", name, key, err)
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
