package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"slices"
	"sync/atomic"
	"time"

	"github.com/slogx/handlers/netsink/internal/deliver"
)

// smtpTransport mails batches of records for an SMTP handler: one mail per batch, one SMTP
// session per mail. It is its own deliver.Conn, since every mail has its own session. The
// engine calls it from its sender goroutine only.
type smtpTransport struct {
	o    Options
	host string
	from *mail.Address
	to   []*mail.Address
	tls  *tls.Config   // StartTLS or ImplicitTLS, else nil
	wire atomic.Uint64 // bytes of the mails the server accepted

	// The mail last built, kept while it is retried so that it keeps its Date and
	// Message-ID: a server that took a mail whose reply was lost sees the same mail again
	// and may drop the duplicate.
	first uint64
	n     int
	msg   []byte
}

// Connect implements deliver.Transport.
func (s *smtpTransport) Connect(context.Context) (deliver.Conn, error) { return s, nil }

// Close implements deliver.Conn; each session closes itself.
func (s *smtpTransport) Close() error { return nil }

// Send implements deliver.Conn: one mail carrying b, in one session. Permanent (5yz) replies
// and policy failures are permanent; network errors and 4yz replies may be retried.
func (s *smtpTransport) Send(ctx context.Context, b *deliver.Batch) error {
	if s.msg == nil || s.first != b.First || s.n != len(b.Records) {
		s.first, s.n, s.msg = b.First, len(b.Records), s.payload(b.Records)
	}
	if err := s.send(ctx, s.msg); err != nil {
		return err
	}
	s.wire.Add(uint64(len(s.msg)))
	s.msg = nil
	return nil
}

// send runs one SMTP session mailing msg. Permanent (5yz) replies and policy failures (no
// STARTTLS, no AUTH PLAIN) are deliver.Permanent; network errors and 4yz replies may be retried.
func (s *smtpTransport) send(ctx context.Context, msg []byte) error {
	d := net.Dialer{Timeout: s.o.SessionTimeout}
	conn, err := d.DialContext(ctx, "tcp", s.o.Addr)
	if err != nil {
		return err
	}
	// One deadline for the whole session; Close's give-up (ctx) cuts it short.
	_ = conn.SetDeadline(time.Now().Add(s.o.SessionTimeout))
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if s.o.ImplicitTLS {
		tc := tls.Client(conn, s.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return fmt.Errorf("tls: %w", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return smtpClassify("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(s.o.LocalName); err != nil {
		return smtpClassify("EHLO", err)
	}
	if s.o.StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return deliver.Permanent(errors.New("server does not offer STARTTLS"))
		}
		if err := c.StartTLS(s.tls); err != nil {
			return smtpClassify("STARTTLS", err)
		}
	}
	if s.o.Username != "" || s.o.Password != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return deliver.Permanent(errors.New("server does not offer AUTH"))
		}
		a := &smtpPlainAuth{user: s.o.Username, pass: s.o.Password, insecure: s.o.AllowInsecureAuth}
		if err := c.Auth(a); err != nil {
			if a.policy != nil {
				return deliver.Permanent(a.policy)
			}
			return smtpClassify("AUTH", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return smtpClassify("MAIL FROM", err)
	}
	for _, t := range s.to {
		if err := c.Rcpt(t.Address); err != nil {
			return smtpClassify("RCPT TO "+t.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return smtpClassify("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return smtpClassify("DATA", err)
	}
	if err := w.Close(); err != nil {
		return smtpClassify("DATA", err)
	}
	// The server accepted the mail with its reply to the final dot: a failed QUIT loses nothing.
	_ = c.Quit()
	return nil
}

// smtpClassify wraps err from step, marking permanent (5yz) replies so they are not retried.
func smtpClassify(step string, err error) error {
	err = fmt.Errorf("%s: %w", step, err)
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return deliver.Permanent(err)
	}
	return err
}

// smtpPlainAuth is AUTH PLAIN (RFC 4616) with this package's policy: credentials go only over
// TLS unless AllowInsecureAuth. net/smtp's PlainAuth has its own rule (clear text allowed to
// localhost, refused elsewhere with no way to opt in), which would make the option a lie.
type smtpPlainAuth struct {
	user, pass string
	insecure   bool
	policy     error // set when Start refused for policy reasons
}

func (a *smtpPlainAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !a.insecure {
		a.policy = errors.New("refusing AUTH over an unencrypted connection")
		return "", nil, a.policy
	}
	if !slices.Contains(server.Auth, "PLAIN") {
		a.policy = fmt.Errorf("server offers AUTH %v, not PLAIN", server.Auth)
		return "", nil, a.policy
	}
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.pass), nil
}

func (a *smtpPlainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected server challenge for AUTH PLAIN")
	}
	return nil, nil
}
