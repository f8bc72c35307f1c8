package smtp

import (
	"bytes"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

// FuzzSMTPHeaders proves that no subject template, message or attribute can put CR, LF or any
// other control byte into a header, add a header, or change the recipients: the header block
// is always exactly the fixed list of fields, one line each, and parses back.
func FuzzSMTPHeaders(f *testing.F) {
	f.Add("{{.Message}}", "hello", "k", "v")
	f.Add("{{.Message}} {{.Attr \"k\"}}", "a\r\nBcc: evil@example.net", "k", "x\nTo: b@example.net\r\n\r\n")
	f.Add("{{.Attr \"g.k\"}}", "\x00\x1b[31m\u2028\u0085", "g.k", "Größe ✓ \xff\xfe")
	f.Add("static\r\nsubject", "", "", "")
	f.Add("{{.LevelName}} {{.Level}} {{.Time}}", strings.Repeat("é\r", 500), "k", strings.Repeat("=?utf-8?q?x?=", 40))
	want := []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
		"Content-Type", "Content-Transfer-Encoding", "Auto-Submitted"}
	f.Fuzz(func(t *testing.T, subject, msg, key, val string) {
		o := Options{Addr: "127.0.0.1:1", From: "App <app@example.com>",
			To: []string{"ops@example.com"}, Subject: subject}
		h, err := New(o, smtpQuietOpts())
		if err != nil {
			return // the template did not parse: refused at construction
		}
		h.Close()
		// The handler's own parts, as New puts them together, without a network.
		tr, tmpl, err := smtpNewTransport(o)
		if err != nil {
			t.Fatal(err)
		}
		e := newSMTPEncoder(tmpl, nil)
		e.subj.rep = slogx.NewReporter(func(error) {})
		enc := e.WithOptions(slogx.EncoderOptions{})
		r := slog.NewRecord(time.Unix(1700000000, 0), slog.LevelError, msg, 0)
		r.AddAttrs(slog.String(key, val), slog.Group("g", slog.String("k", val)))
		ee := enc.WithGroup("grp").WithAttrs([]slog.Attr{slog.String("w", val)})
		m := tr.payload([][]byte{ee.Append(nil, r), enc.Append(nil, r)})

		head, _, ok := bytes.Cut(m, []byte("\r\n\r\n"))
		if !ok {
			t.Fatalf("no header/body separator:\n%q", m)
		}
		var names []string
		for _, line := range strings.Split(string(head), "\r\n") {
			for i := 0; i < len(line); i++ {
				if c := line[i]; c < ' ' || c > '~' {
					t.Fatalf("byte %#x in header line %q", c, line)
				}
			}
			if len(line) > 998 {
				t.Fatalf("header line of %d bytes", len(line))
			}
			name, _, ok := strings.Cut(line, ": ")
			if !ok {
				t.Fatalf("not a header line: %q", line)
			}
			names = append(names, name)
		}
		if !slices.Equal(names, want) {
			t.Fatalf("header fields %q", names)
		}
		pm, err := mail.ReadMessage(bytes.NewReader(m))
		if err != nil {
			t.Fatalf("unparsable mail: %v", err)
		}
		if to := pm.Header.Get("To"); to != "<ops@example.com>" {
			t.Fatalf("To changed: %q", to)
		}
	})
}
