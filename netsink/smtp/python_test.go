package smtp

import (
	"context"
	"log/slog"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink/internal/nettest"
)

// TestSMTPPythonDifferential sends one record with CPython's SMTPHandler and one with ours to
// the same server: every header Python writes, we write too (and the envelope is the same).
func TestSMTPPythonDifferential(t *testing.T) {
	py := testutil.LookPath(t, "python3")
	nettest.NoLeak(t)
	ts := newSMTPTestServer(t, smtpTestConfig{})
	host, port, _ := strings.Cut(ts.Addr, ":")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, py, "testdata/smtp_pyhandler.py", host, port).CombinedOutput(); err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	pyMail := ts.next(t)

	h, err := New(Options{Addr: ts.Addr, From: "app@example.com", To: []string{"ops@example.com"},
		Subject: "py subject"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	slog.New(h).Error("hello from python")
	nettest.Flush(t, h)
	goMail := ts.next(t)

	if pyMail.From != goMail.From || !slices.Equal(pyMail.To, goMail.To) {
		t.Errorf("envelope: python %q %q, go %q %q", pyMail.From, pyMail.To, goMail.From, goMail.To)
	}
	pm, pyBody := smtpParse(t, pyMail.Data)
	gm, goBody := smtpParse(t, goMail.Data)
	for k := range pm.Header {
		if _, ok := gm.Header[k]; !ok {
			t.Errorf("python writes %s: %q, we do not", k, pm.Header.Get(k))
		}
	}
	if pm.Header.Get("Subject") != gm.Header.Get("Subject") {
		t.Errorf("subject: python %q, go %q", pm.Header.Get("Subject"), gm.Header.Get("Subject"))
	}
	if !strings.Contains(pyBody, "hello from python") || !strings.Contains(goBody, "hello from python") {
		t.Errorf("bodies: python %q, go %q", pyBody, goBody)
	}
}
