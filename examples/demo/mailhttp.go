package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/httpsink"
	"github.com/slogx/handlers/netsink/smtp"
	"github.com/slogx/handlers/slogx"
)

// demoMailHTTP runs an SMTP server (STARTTLS with a certificate made on the spot, AUTH PLAIN)
// and an HTTP server on 127.0.0.1, logs through smtp.New and httpsink.New, and
// prints what each server received. It writes no files, so it ignores the demo directory.
func demoMailHTTP(out io.Writer, _ string) error {
	cert, roots, err := demoMailCert()
	if err != nil {
		return err
	}

	// --- SMTP: Python's SMTPHandler, batched, over STARTTLS with AUTH PLAIN.
	mails := make(chan demoMail, 10)
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		return &demoMailSession{conn: c, mails: mails}, nil
	}))
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	smtpDone := make(chan struct{})
	go func() { defer close(smtpDone); _ = srv.Serve(l) }()
	defer func() { _ = srv.Close(); <-smtpDone }()

	sm, err := smtp.New(smtp.Options{
		Addr: l.Addr().String(), From: "Demo <demo@example.com>", To: []string{"ops@example.com"},
		Subject:  "[demo] {{.LevelName}}: {{.Message}}",
		Username: "demo", Password: "demo-pass", StartTLS: true, TLS: &tls.Config{RootCAs: roots}, Delivery: netsink.Delivery{BatchInterval: time.Minute}, // one mail for the whole burst (Close sends it)
	}, nil)
	if err != nil {
		return err
	}
	log := slog.New(sm)
	log.Warn("queue is 80% full", "queue", "billing")
	log.Error("payment failed\r\nBcc: attacker@example.net", "order", 1234) // CR/LF stay out of headers
	log.Info("retrying", "attempt", 2)
	if err := sm.Close(); err != nil {
		return err
	}
	select {
	case m := <-mails:
		fmt.Fprintf(out, "smtp: server %s got 1 mail (TLS=%v, AUTH as %q) for %d records\n",
			l.Addr(), m.tls, m.user, sm.Stats().Records)
		msg, err := mail.ReadMessage(bytes.NewReader(m.data))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  Subject: %s\n", msg.Header.Get("Subject"))
		fmt.Fprintf(out, "  Bcc headers: %d\n", len(msg.Header["Bcc"]))
		body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
		if err != nil {
			return err
		}
		for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
			fmt.Fprintf(out, "  | %s\n", strings.TrimSpace(line))
		}
	case <-time.After(5 * time.Second):
		return errors.New("smtp demo: no mail arrived")
	}

	// --- HTTP: Python's HTTPHandler form, then NDJSON batches.
	var mu sync.Mutex
	var reqs []string
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		mu.Lock()
		reqs = append(reqs, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type")+"\n"+string(b))
		mu.Unlock()
	})}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	httpDone := make(chan struct{})
	go func() { defer close(httpDone); _ = hs.Serve(hl) }()
	defer func() { _ = hs.Shutdown(context.Background()); <-httpDone }()
	base := "http://" + hl.Addr().String()

	py, err := httpsink.New(httpsink.Options{URL: base + "/python", Name: "demo"}, nil)
	if err != nil {
		return err
	}
	slog.New(py).Error("disk full", "mount", "/var")
	if err := py.Close(); err != nil {
		return err
	}
	nd, err := httpsink.New(httpsink.Options{URL: base + "/bulk", Format: httpsink.NDJSON, Delivery: netsink.Delivery{BatchRecords: 10, BatchInterval: time.Minute}}, &slogx.Options{Level: slog.LevelDebug})
	if err != nil {
		return err
	}
	nlog := slog.New(nd).With("svc", "api")
	for i := range 3 {
		nlog.Debug("request", "n", i)
	}
	if err := nd.Close(); err != nil {
		return err
	}
	_, insecure := httpsink.New(httpsink.Options{URL: base, Username: "u", Password: "p"}, nil)

	mu.Lock()
	defer mu.Unlock()
	fmt.Fprintf(out, "http: server %s got %d requests\n", hl.Addr(), len(reqs))
	for _, r := range reqs {
		head, body, _ := strings.Cut(r, "\n")
		fmt.Fprintf(out, "  %s\n", head)
		if strings.HasPrefix(head, "POST /python") {
			form, err := url.ParseQuery(body)
			if err != nil {
				return err
			}
			for _, k := range []string{"name", "levelname", "levelno", "msg", "funcName", "mount"} {
				fmt.Fprintf(out, "  | %s=%s\n", k, form.Get(k))
			}
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
			fmt.Fprintf(out, "  | %s\n", line)
		}
	}
	fmt.Fprintf(out, "http: credentials over plain http: %v\n", insecure)
	return nil
}

type demoMail struct {
	data []byte
	tls  bool
	user string
}

type demoMailSession struct {
	conn  *gosmtp.Conn
	mails chan<- demoMail
	user  string
}

func (s *demoMailSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *demoMailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "demo" || pass != "demo-pass" {
			return errors.New("bad credentials")
		}
		s.user = user
		return nil
	}), nil
}
func (s *demoMailSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (s *demoMailSession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (s *demoMailSession) Reset()                                 {}
func (s *demoMailSession) Logout() error                          { return nil }
func (s *demoMailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.mails <- demoMail{data: b, tls: isTLS, user: s.user}
	return nil
}

// demoMailCert makes a short-lived self-signed certificate for 127.0.0.1.
func demoMailCert() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "slogx demo"},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:        true, BasicConstraintsValid: true,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots, nil
}
