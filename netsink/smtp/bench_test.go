package smtp

import (
	"testing"

	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/slogx"
)

// BenchmarkSMTPItem is the caller's cost of an SMTP record: subject template and text body.
func BenchmarkSMTPItem(b *testing.B) {
	_, tmpl, err := smtpNewTransport(Options{Addr: "127.0.0.1:1", From: "a@example.com",
		To: []string{"b@example.com"}, Subject: "[app] {{.LevelName}}: {{.Message}}"})
	if err != nil {
		b.Fatal(err)
	}
	e := newSMTPEncoder(tmpl, nil)
	e.subj.rep = slogx.NewReporter(nil)
	enc := e.WithOptions(slogx.EncoderOptions{})
	r := nettest.SourceRecord()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = enc.Append(buf[:0], r)
	}
}
