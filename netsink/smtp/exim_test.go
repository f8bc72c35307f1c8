package smtp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/deliver"
	"github.com/slogx/handlers/netsink/internal/nettest"
)

// smtpExim starts Debian's exim (package exim4-daemon-light) as a foreground daemon on
// 127.0.0.1 with its own configuration in a temp dir: STARTTLS with a certificate made by the
// test, AUTH PLAIN (advertised only under TLS) for logger/s3cret, and queue_only so accepted
// mail stays in the spool where the test reads it with exim -Mvh/-Mvb. A missing exim skips,
// except under CI=true.
func smtpExim(t *testing.T) (addr string, roots *tls.Config, dir string, exim func(args ...string) string) {
	t.Helper()
	bin, err := exec.LookPath("exim4")
	if err != nil {
		bin, err = exec.LookPath("exim")
	}
	if err == nil && os.Geteuid() != 0 {
		err = fmt.Errorf("exim's daemon needs root here (uid %d)", os.Geteuid())
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("exim is required in CI (apt-get install exim4-daemon-light): %v", err)
		}
		t.Skipf("no exim: %v", err)
	}
	dir = t.TempDir()
	cert, pool := nettest.TestCert(t)
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	certPath := write("cert.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}))
	keyPath := write("key.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	for _, d := range []string{"spool", "log"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := write("exim.conf", []byte(fmt.Sprintf(`primary_hostname = localhost
spool_directory = %[1]s/spool
log_file_path = %[1]s/log/%%slog
pid_file_path = %[1]s/exim.pid
exim_user = root
exim_group = root
never_users =
local_interfaces = 127.0.0.1
daemon_smtp_ports = %[2]d
queue_only = true
keep_environment =
tls_advertise_hosts = *
tls_certificate = %[3]s
tls_privatekey = %[4]s
acl_smtp_rcpt = acl_check_rcpt
begin acl
acl_check_rcpt:
  accept
begin authenticators
plain_server:
  driver = plaintext
  public_name = PLAIN
  server_condition = ${if and {{eq{$auth2}{logger}}{eq{$auth3}{s3cret}}}}
  server_set_id = $auth2
  server_advertise_condition = ${if def:tls_in_cipher}
begin routers
begin transports
`, dir, port, certPath, keyPath)))
	exim = func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, append([]string{"-C", conf}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("exim %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	cmd := exec.Command(bin, "-C", conf, "-bdf", "-oX", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	addr = fmt.Sprintf("127.0.0.1:%d", port)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for b := (deliver.Backoff{Initial: 5 * time.Millisecond, Max: 200 * time.Millisecond}); ; {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if ctx.Err() != nil {
			log, _ := os.ReadFile(filepath.Join(dir, "log", "paniclog"))
			t.Fatalf("exim did not start listening on %s: %v\n%s", addr, err, log)
		}
		now := time.Now()
		time.Sleep(b.Failed(now).Sub(now))
	}
	return addr, &tls.Config{RootCAs: pool}, dir, exim
}

// TestSMTPExim mails through a real MTA: STARTTLS, AUTH PLAIN, then reads the message back
// from exim's spool.
func TestSMTPExim(t *testing.T) {
	nettest.NoLeak(t)
	addr, tlsConf, dir, exim := smtpExim(t)
	errs := nettest.NewErrs()
	h, err := New(Options{Addr: addr, From: "App <app@example.com>", To: []string{"ops@example.com"},
		Subject: "{{.LevelName}}: {{.Message}}", Username: "logger", Password: "s3cret", StartTLS: true,
		TLS: tlsConf, Delivery: netsink.Delivery{BatchInterval: time.Hour}}, errs.Opts())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	l := slog.New(h)
	l.Error("exim says hi\r\nBcc: evil@example.net", "n", 1)
	l.Info("second line ünïcode")
	nettest.Flush(t, h)
	errs.None(t)

	// -bp lists "age size id <sender>" then the recipients, per queued message.
	queue := exim("-bp")
	var ids []string
	for _, line := range strings.Split(queue, "\n") {
		if f := strings.Fields(line); len(f) == 4 && strings.HasPrefix(f[3], "<") {
			ids = append(ids, f[2])
		}
	}
	if len(ids) != 1 {
		t.Fatalf("want one queued message:\n%s", queue)
	}
	head := exim("-Mvh", ids[0])
	for _, want := range []string{"Subject: ERROR: exim says hi Bcc: evil@example.net (+1 more)",
		"From: \"App\" <app@example.com>", "ops@example.com", "Auto-Submitted: auto-generated"} {
		if !strings.Contains(head, want) {
			t.Errorf("spool header lacks %q:\n%s", want, head)
		}
	}
	for _, line := range strings.Split(head, "\n") {
		if f := strings.Fields(line); len(f) > 1 && (f[1] == "Bcc:" || len(f) > 2 && f[2] == "Bcc:") {
			t.Errorf("injected Bcc header: %q", line)
		}
	}
	raw := exim("-Mvb", ids[0])
	_, raw, _ = strings.Cut(raw, "-D\n") // exim prints the data file: "<id>-D" first
	_, body := smtpParse(t, []byte("\r\n"+raw))
	if !strings.Contains(body, `msg="exim says hi\r\nBcc: evil@example.net" n=1`) || !strings.Contains(body, "ünïcode") {
		t.Errorf("body %q", body)
	}
	log, err := os.ReadFile(filepath.Join(dir, "log", "mainlog"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "A=plain_server:logger") || !strings.Contains(string(log), "X=TLS") {
		t.Errorf("exim log lacks TLS and AUTH:\n%s", log)
	}
}
