package smtp

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/slogx/handlers/netsink/internal/nettest"
)

// smtpTestMail is one message the test server accepted.
type smtpTestMail struct {
	From string
	To   []string
	Data []byte
	TLS  bool
	User string // authenticated user, "" if none
}

// smtpTestServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1, with optional
// STARTTLS (a certificate made for the test) and AUTH PLAIN.
type smtpTestServer struct {
	Addr  string
	Roots *x509.CertPool // trusts the server certificate
	Mails chan smtpTestMail

	mu        sync.Mutex
	rcptFails []error             // returned by the next RCPT commands, in order
	dataFails []error             // returned by the next DATA commands, after reading the mail
	refused   [][]byte            // the mails refused through dataFails
	conns     map[*smtp.Conn]bool // connections seen (STARTTLS makes a second session on one)
}

type smtpTestConfig struct {
	TLS               bool
	User, Pass        string // AUTH PLAIN is offered when User is set
	AllowInsecureAuth bool
}

func newSMTPTestServer(t testing.TB, cfg smtpTestConfig) *smtpTestServer {
	t.Helper()
	var tlsConf *tls.Config
	var roots *x509.CertPool
	if cfg.TLS {
		var cert tls.Certificate
		cert, roots = nettest.TestCert(t)
		tlsConf = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	ts, stop, err := startSMTPTestServer(cfg, tlsConf)
	if err != nil {
		t.Fatal(err)
	}
	ts.Roots = roots
	t.Cleanup(stop)
	return ts
}

// startSMTPTestServer starts the server; stop shuts it down and waits for it.
func startSMTPTestServer(cfg smtpTestConfig, tlsConf *tls.Config) (*smtpTestServer, func(), error) {
	ts := &smtpTestServer{Mails: make(chan smtpTestMail, 100), conns: map[*smtp.Conn]bool{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		ts.mu.Lock()
		ts.conns[c] = true
		ts.mu.Unlock()
		return &smtpTestSession{ts: ts, cfg: cfg, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = cfg.AllowInsecureAuth
	srv.MaxMessageBytes = 1 << 20
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = smtpQuietLog{}
	srv.TLSConfig = tlsConf
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	ts.Addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
		<-done
	}
	return ts, stop, nil
}

// failRcpt makes the next RCPT commands fail with errs, one each.
func (ts *smtpTestServer) failRcpt(errs ...error) {
	ts.mu.Lock()
	ts.rcptFails = append(ts.rcptFails, errs...)
	ts.mu.Unlock()
}

// failData makes the next DATA commands fail with errs, one each, once the mail was read;
// refusedMails returns what they read.
func (ts *smtpTestServer) failData(errs ...error) {
	ts.mu.Lock()
	ts.dataFails = append(ts.dataFails, errs...)
	ts.mu.Unlock()
}

func (ts *smtpTestServer) refusedMails() [][]byte {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([][]byte(nil), ts.refused...)
}

// connCount returns how many SMTP connections the server accepted.
func (ts *smtpTestServer) connCount() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.conns)
}

// next returns the next mail, failing the test if none comes in 10 s (a hang, not a timing
// assertion).
func (ts *smtpTestServer) next(t testing.TB) smtpTestMail {
	t.Helper()
	select {
	case m := <-ts.Mails:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no mail arrived")
		return smtpTestMail{}
	}
}

func (ts *smtpTestServer) none(t testing.TB) {
	t.Helper()
	select {
	case m := <-ts.Mails:
		t.Fatalf("unexpected mail: %s", m.Data)
	default:
	}
}

type smtpTestSession struct {
	ts   *smtpTestServer
	cfg  smtpTestConfig
	conn *smtp.Conn
	m    smtpTestMail
}

func (s *smtpTestSession) AuthMechanisms() []string {
	if s.cfg.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *smtpTestSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != s.cfg.User || pass != s.cfg.Pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		s.m.User = user
		return nil
	}), nil
}

func (s *smtpTestSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.cfg.User != "" && s.m.User == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	s.m.From = from
	return nil
}

func (s *smtpTestSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.ts.mu.Lock()
	var err error
	if len(s.ts.rcptFails) > 0 {
		err, s.ts.rcptFails = s.ts.rcptFails[0], s.ts.rcptFails[1:]
	}
	s.ts.mu.Unlock()
	if err != nil {
		return err
	}
	s.m.To = append(s.m.To, to)
	return nil
}

func (s *smtpTestSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.ts.mu.Lock()
	if len(s.ts.dataFails) > 0 {
		err, s.ts.dataFails = s.ts.dataFails[0], s.ts.dataFails[1:]
		s.ts.refused = append(s.ts.refused, b)
	}
	s.ts.mu.Unlock()
	if err != nil {
		return err
	}
	m := s.m
	m.Data = b
	_, m.TLS = s.conn.TLSConnectionState()
	s.ts.Mails <- m
	return nil
}

func (s *smtpTestSession) Reset() {
	user := s.m.User
	s.m = smtpTestMail{User: user}
}

func (s *smtpTestSession) Logout() error { return nil }

type smtpQuietLog struct{}

func (smtpQuietLog) Printf(string, ...interface{}) {}
func (smtpQuietLog) Println(...interface{})        {}

// smtpParse parses a received mail and decodes its quoted-printable body.
func smtpParse(t testing.TB, data []byte) (*mail.Message, string) {
	t.Helper()
	m, err := mail.ReadMessage(smtpBytesReader(data))
	if err != nil {
		t.Fatalf("parse mail: %v\n%s", err, data)
	}
	body, err := io.ReadAll(smtpQPReader(m.Body))
	if err != nil {
		t.Fatalf("decode body: %v", err)
	}
	return m, string(body)
}

var smtpErrTransient = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}

func smtpBytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
func smtpQPReader(r io.Reader) io.Reader { return quotedprintable.NewReader(r) }
