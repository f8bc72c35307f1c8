package smtp_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/slogx/handlers/netsink/smtp"
	"github.com/slogx/handlers/slogx"
)

// exampleMailServer is a tiny real SMTP server on 127.0.0.1 that hands every message over.
func exampleMailServer() (addr string, mails <-chan []byte, stop func()) {
	ch := make(chan []byte, 10)
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &exampleSession{ch: ch}, nil
	}))
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	return l.Addr().String(), ch, func() { _ = srv.Shutdown(context.Background()); <-done }
}

type exampleSession struct{ ch chan []byte }

func (s *exampleSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (s *exampleSession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (s *exampleSession) Reset()                                 {}
func (s *exampleSession) Logout() error                          { return nil }
func (s *exampleSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.ch <- b
	return err
}

func ExampleNew() {
	addr, mails, stop := exampleMailServer()
	defer stop()

	h, err := smtp.New(smtp.Options{
		Addr:    addr,
		From:    "App <app@example.com>",
		To:      []string{"ops@example.com"},
		Subject: "[app] {{.LevelName}}: {{.Message}}",
		// Production servers want credentials over TLS:
		// Username: "app", Password: "...", StartTLS: true,
	}, &slogx.Options{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{} // keep the example's output stable
		}
		return a
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	slog.New(h).Error("disk full", "free", 0)
	h.Close() // sends what is queued, then stops the sender

	m, _ := mail.ReadMessage(bytes.NewReader(<-mails))
	body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
	fmt.Println("Subject:", m.Header.Get("Subject"))
	fmt.Println("Auto-Submitted:", m.Header.Get("Auto-Submitted"))
	fmt.Print(strings.ReplaceAll(string(body), "\r\n", "\n")) // mail lines end in CRLF
	fmt.Println("records mailed:", h.Stats().Records)
	// Output:
	// Subject: [app] ERROR: disk full
	// Auto-Submitted: auto-generated
	// level=ERROR msg="disk full" free=0
	// records mailed: 1
}
