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
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
)

func TestCollector(t *testing.T) {
	out := filepath.Join(t.TempDir(), "collected.log")
	echo := &notifyWriter{wrote: make(chan struct{}, 10)}
	col, err := listen(config{tcp: "127.0.0.1:0", udp: "127.0.0.1:0", out: out, shutdownIn: 5 * time.Second}, echo)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- col.run(ctx) }()

	s, err := netsink.NewSocket(col.ln.Addr().String(), netsink.SocketOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	slog.New(s).Info("via tcp", "n", 1)
	fctx, fcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer fcancel()
	if err := s.Flush(fctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	d, err := netsink.NewDatagram(col.pc.LocalAddr().String(), netsink.DatagramOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	slog.New(d).Warn("via udp", "n", 2)
	d.Close()
	// UDP gives no ack: wait until the collector echoed both records.
	for i := 0; i < 2; i++ {
		select {
		case <-echo.wrote:
		case <-time.After(20 * time.Second):
			t.Fatalf("%d records echoed", i)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"msg":"via tcp","n":1`) || !strings.Contains(lines[1], `"level":"WARN","msg":"via udp","n":2`) {
		t.Errorf("file:\n%s", b)
	}
	if e := echo.buf.String(); !strings.Contains(e, `msg="via tcp" n=1`) || !strings.Contains(e, `msg="via udp" n=2`) {
		t.Errorf("echo:\n%s", e)
	}
}

// notifyWriter signals every Write (the handler serializes them).
type notifyWriter struct {
	buf   bytes.Buffer
	wrote chan struct{}
}

func (w *notifyWriter) Write(p []byte) (int, error) {
	n, err := w.buf.Write(p)
	w.wrote <- struct{}{}
	return n, err
}

func TestCollectorTLS(t *testing.T) {
	dir := t.TempDir()
	certPEM, keyPEM, pool := testCert(t)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	echo := &notifyWriter{wrote: make(chan struct{}, 10)}
	col, err := listen(config{tcp: "127.0.0.1:0", cert: certFile, key: keyFile, shutdownIn: 5 * time.Second}, echo)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- col.run(ctx) }()
	s, err := netsink.NewSocket(col.ln.Addr().String(), netsink.SocketOptions{TLS: &tls.Config{RootCAs: pool, ServerName: "localhost"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	slog.New(s).Info("secret", "n", 3)
	fctx, fcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer fcancel()
	if err := s.Flush(fctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if e := echo.buf.String(); !strings.Contains(e, "msg=secret n=3") {
		t.Errorf("echo: %q", e)
	}
}

func testCert(t *testing.T) (certPEM, keyPEM []byte, pool *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(c)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), pool
}

// TestCollectorRotates: the collector's file is a rotating file; 40 records of ~80 bytes with
// -max-bytes 1000 and -backups 2 leave collected.log, .1 and .2, every line whole, the newest
// records last.
func TestCollectorRotates(t *testing.T) {
	out := filepath.Join(t.TempDir(), "collected.log")
	col, err := listen(config{tcp: "127.0.0.1:0", out: out, quiet: true, maxBytes: 1000, backups: 2, shutdownIn: 5 * time.Second}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- col.run(ctx) }()
	s, err := netsink.NewSocket(col.ln.Addr().String(), netsink.SocketOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		slog.New(s).Info("rotating", "i", i)
	}
	fctx, fcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer fcancel()
	if err := s.Flush(fctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{out, out + ".1", out + ".2"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 1000 || !strings.HasSuffix(string(b), "}\n") {
			t.Errorf("%s: %d bytes:\n%s", name, len(b), b)
		}
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), `"i":39}`) {
		t.Errorf("newest record not in %s:\n%s", out, b)
	}
	if _, err := os.Stat(out + ".3"); err == nil {
		t.Error("more backups than -backups")
	}
}
