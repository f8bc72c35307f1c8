package syslog

import (
	"log/slog"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/slogx"
)

// Every syslog layout turns a self-containing value into a bounded message with a marker:
// MSG, SD-PARAMs, MSGID.
func TestSyslogSurvivesCycles(t *testing.T) {
	for name, enc := range map[string]slogx.Encoder{
		"5424": syslogTestEncoder(t, Options{}),
		"sd":   syslogTestEncoder(t, Options{StructuredDataID: "all@32473"}),
		"3164": syslogTestEncoder(t, Options{Format: RFC3164}),
		"sd group and msgid": syslogTestEncoder(t, Options{}).
			WithAttrs([]slog.Attr{slog.Any("msgid", testutil.CyclicValues()["map"])}),
	} {
		t.Run(name, func(t *testing.T) { nettest.EncoderSurvivesCycles(t, enc, nil, nil) })
	}
}

func syslogTestEncoder(t *testing.T, o Options) slogx.Encoder {
	t.Helper()
	o.Hostname, o.AppName, o.ProcID = "h", "a", "1"
	cfg, err := syslogNewConfig(&o, false)
	if err != nil {
		t.Fatal(err)
	}
	return &syslogEncoder{cfg: cfg, body: slogx.TextAttrs()}
}
