package syslog

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"testing/slogtest"

	"github.com/leodido/go-syslog/v4/rfc5424"
	"github.com/slogx/handlers/slogx"
)

// TestSyslogSlogtestJSON runs testing/slogtest with a JSON MSG, captured through a real
// UDP socket on 127.0.0.1 and parsed back with go-syslog's RFC 5424 parser.
func TestSyslogSlogtestJSON(t *testing.T) {
	syslogLeakCheck(t)
	srv := syslogNewUDPServer(t)
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		h, err := New(Options{Network: "udp", Addr: srv.addr}, &slogx.Options{Encoder: slogx.JSON()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		return h
	}, func(t *testing.T) map[string]any {
		m := syslogParse5424(t, srv.recv())
		var got map[string]any
		if err := json.Unmarshal([]byte(deref(m.Message)), &got); err != nil {
			t.Fatalf("MSG is not JSON: %v", err)
		}
		return got
	})
}

// TestSyslogSlogtestSD runs testing/slogtest with every attribute in STRUCTURED-DATA (the
// catch-all SD-ID), through a real unixgram socket: the header carries time and level, the
// MSG the message, the SD-PARAMs the attributes (dotted names are groups).
func TestSyslogSlogtestSD(t *testing.T) {
	syslogLeakCheck(t)
	srv := syslogNewUnixgramServer(t, t.TempDir()+"/sd.sock")
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		h, err := New(Options{Network: "unixgram", Addr: srv.addr, Format: RFC5424, StructuredDataID: "slog@32473"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		return h
	}, func(t *testing.T) map[string]any {
		m := syslogParse5424(t, srv.recv())
		got := map[string]any{}
		if m.Timestamp != nil {
			got[slog.TimeKey] = *m.Timestamp
		}
		got[slog.LevelKey] = Severity(*m.Severity).String()
		got[slog.MessageKey] = deref(m.Message)
		if m.StructuredData != nil {
			for name, v := range (*m.StructuredData)["slog@32473"] {
				dst := got
				parts := strings.Split(name, ".")
				for _, g := range parts[:len(parts)-1] {
					sub, ok := dst[g].(map[string]any)
					if !ok {
						sub = map[string]any{}
						dst[g] = sub
					}
					dst = sub
				}
				dst[parts[len(parts)-1]] = v
			}
		}
		return got
	})
}

func syslogParse5424(t *testing.T, b []byte) *rfc5424.SyslogMessage {
	t.Helper()
	m, err := rfc5424.NewParser().Parse(b)
	if err != nil || m == nil {
		t.Fatalf("parse %q: %v", b, err)
	}
	return m.(*rfc5424.SyslogMessage)
}
