package syslog

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

// TestNewSyslogEncoderMatchesSyslog checks that the public encoder writes, for every format,
// the very message a Syslog hands its connection, derived handlers included.
func TestNewSyslogEncoderMatchesSyslog(t *testing.T) {
	at := time.Date(2026, 12, 1, 3, 4, 5, 678901000, time.UTC)
	for _, f := range []Format{RFC5424, RFC3164, Python} {
		for _, local := range []bool{false, true} {
			o := Options{Format: f, Hostname: "h", AppName: "app", ProcID: "7", MsgIDKey: "msgid",
				now: func() time.Time { return at }}
			if local {
				o.Network = "unix"
			}
			enc, err := NewEncoder(o, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got, want bytes.Buffer
			mine := slog.Handler(slogx.NewHandler(&got, &slogx.Options{Encoder: enc, NoTerminator: true}))
			ref, err := syslogNewHandler(&want, &o, local, nil)
			if err != nil {
				t.Fatal(err)
			}
			var theirs slog.Handler = ref
			mine = mine.WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("req")
			theirs = theirs.WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("req")
			r := slog.NewRecord(at, slog.LevelWarn, "disk \"full\"\tnow", 0)
			r.AddAttrs(slog.String("msgid", "ID7"), slog.Int("free", 0), slog.Group("ex@32473", slog.String("a", "b")))
			for _, h := range []slog.Handler{mine, theirs} {
				if err := h.Handle(context.Background(), r); err != nil {
					t.Fatal(err)
				}
			}
			if got.String() != want.String() {
				t.Errorf("format %v local %v:\n got %q\nwant %q", f, local, got.String(), want.String())
			}
			if got.Len() == 0 {
				t.Errorf("format %v: nothing written", f)
			}
		}
	}
	if _, err := NewEncoder(Options{StructuredDataID: "no-at-sign"}, nil); err == nil {
		t.Error("an invalid SD-ID was accepted")
	}
}
