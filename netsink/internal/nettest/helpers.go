package nettest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"log/slog"
	"math/big"
	"net"
	"runtime"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/slogx/handlers/slogx"
)

// NoLeak checks, after every other cleanup of t (test servers closed), that no goroutine
// was left behind: cleanups run last-registered first.
func NoLeak(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
}

// Ctx is a context that ends with t, or after 20 s.
func Ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Flush flushes h within 10 s and fails t if it does not.
func Flush(t *testing.T, h interface{ Flush(context.Context) error }) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Flush(ctx); err != nil {
		t.Fatalf("flush: %v", err)
	}
}

// Errs collects the errors a handler reports.
type Errs struct{ ch chan error }

// NewErrs returns an empty collector.
func NewErrs() *Errs { return &Errs{ch: make(chan error, 100)} }

// Opts returns handler options reporting into e.
func (e *Errs) Opts() *slogx.Options {
	return &slogx.Options{OnError: func(err error) { e.ch <- err }}
}

// Next returns the next reported error, failing t if none comes within 10 s.
func (e *Errs) Next(t *testing.T) error {
	t.Helper()
	select {
	case err := <-e.ch:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("no error reported")
		return nil
	}
}

// None fails t if an error was reported.
func (e *Errs) None(t *testing.T) {
	t.Helper()
	select {
	case err := <-e.ch:
		t.Fatalf("unexpected error: %v", err)
	default:
	}
}

// TestCert makes a self-signed certificate for localhost and 127.0.0.1, and a pool that
// trusts it.
func TestCert(t testing.TB) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: c}, pool
}

// PC returns the pc of its caller's call site, as slog.Logger does for a record.
func PC() uintptr {
	var pcs [1]uintptr
	runtime.Callers(2, pcs[:])
	return pcs[0]
}

// SourceRecord is the record of the HTTP, SMTP and OTLP benchmarks: five attributes and a
// source position.
func SourceRecord() slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "request served", PC())
	r.AddAttrs(slog.String("method", "GET"), slog.Int("status", 200), slog.Duration("took", time.Millisecond),
		slog.String("path", "/api/v1/items"), slog.Bool("cached", true))
	return r
}
