package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"mime"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/slogx"
)

func smtpFixedNow() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC) }

func TestSMTPOneMailPerRecord(t *testing.T) {
	nettest.NoLeak(t)
	ts := newSMTPTestServer(t, smtpTestConfig{})
	errs := nettest.NewErrs()
	h, err := New(Options{
		Addr: ts.Addr, From: "App <app@example.com>", To: []string{"ops@example.com", "dev@example.org"},
		Subject: "[app] {{.LevelName}} {{.Message}} user={{.Attr \"req.user\"}}",
		now:     smtpFixedNow,
	}, errs.Opts())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	l := slog.New(h)
	l.Error("disk full", slog.Group("req", "user", "ann"), "free", 0)
	l.Warn("second")
	nettest.Flush(t, h)

	m := ts.next(t)
	if m.From != "app@example.com" || strings.Join(m.To, ",") != "ops@example.com,dev@example.org" {
		t.Errorf("envelope from %q to %q", m.From, m.To)
	}
	msg, body := smtpParse(t, m.Data)
	for k, want := range map[string]string{
		"From":                      `"App" <app@example.com>`,
		"To":                        "<ops@example.com>, <dev@example.org>",
		"Subject":                   "[app] ERROR disk full user=ann",
		"Date":                      "Wed, 04 Mar 2026 05:06:07 +0000",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"Mime-Version":              "1.0",
		"Auto-Submitted":            "auto-generated",
	} {
		if got := msg.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if id := msg.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") {
		t.Errorf("Message-ID %q", id)
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(smtpFixedNow()) {
		t.Errorf("Date: %v %v", d, err)
	}
	if !strings.Contains(body, `level=ERROR msg="disk full" req.user=ann free=0`) || strings.Count(body, "\n") != 1 {
		t.Errorf("body %q", body)
	}
	m2 := ts.next(t)
	msg2, body2 := smtpParse(t, m2.Data)
	if s := msg2.Header.Get("Subject"); s != "[app] WARNING second user=" {
		t.Errorf("second subject %q", s)
	}
	if msg2.Header.Get("Message-Id") == msg.Header.Get("Message-Id") {
		t.Error("Message-ID repeated")
	}
	if !strings.Contains(body2, "msg=second") {
		t.Errorf("second body %q", body2)
	}
	ts.none(t)
	errs.None(t)
	if s := h.Stats(); s.Records != 2 || s.Errors != 0 || s.Dropped != 0 || s.Bytes == 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestSMTPBatch(t *testing.T) {
	nettest.NoLeak(t)
	ts := newSMTPTestServer(t, smtpTestConfig{})
	errs := nettest.NewErrs()
	h, err := New(Options{Addr: ts.Addr, From: "app@example.com", To: []string{"ops@example.com"}, Delivery: netsink.Delivery{BatchInterval: time.Hour}}, errs.Opts())
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(h)
	l.Info("one")
	l.Error("two")
	l.Warn("three")
	// Close sends the batch that is still being collected.
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	msg, body := smtpParse(t, ts.next(t).Data)
	if s := msg.Header.Get("Subject"); s != "ERROR: two (+2 more)" {
		t.Errorf("subject %q", s)
	}
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "msg=one") || !strings.Contains(lines[2], "msg=three") {
		t.Errorf("body %q", body)
	}
	ts.none(t)
	if s := h.Stats(); s.Records != 3 {
		t.Errorf("stats %+v", s)
	}
	if err := slog.New(h).Handler().Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelInfo, "late", 0)); !errors.Is(err, slogx.ErrClosed) {
		t.Errorf("after close: %v", err)
	}
	if s := h.Stats(); s.Dropped != 1 {
		t.Errorf("dropped after close %+v", s)
	}
}

func TestSMTPBatchIntervalSends(t *testing.T) {
	nettest.NoLeak(t)
	ts := newSMTPTestServer(t, smtpTestConfig{})
	h, err := New(Options{Addr: ts.Addr, From: "app@example.com", To: []string{"ops@example.com"}, Delivery: netsink.Delivery{BatchInterval: 20 * time.Millisecond}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	slog.New(h).Info("a")
	slog.New(h).Info("b")
	// No Flush, no Close: the interval alone must send everything.
	n := 0
	for n < 2 {
		_, body := smtpParse(t, ts.next(t).Data)
		n += strings.Count(body, "\n")
	}
	if n != 2 {
		t.Errorf("%d records mailed", n)
	}
}

func TestSMTPStartTLSAuth(t *testing.T) {
	nettest.NoLeak(t)
	ts := newSMTPTestServer(t, smtpTestConfig{TLS: true, User: "logger", Pass: "s3cret"})
	errs := nettest.NewErrs()
	h, err := New(Options{Addr: ts.Addr, From: "app@example.com", To: []string{"ops@example.com"},
		Username: "logger", Password: "s3cret", StartTLS: true,
		TLS: &tls.Config{RootCAs: ts.Roots}}, errs.Opts())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	slog.New(h).Error("secure")
	nettest.Flush(t, h)
	m := ts.next(t)
	if !m.TLS || m.User != "logger" {
		t.Errorf("tls=%v user=%q", m.TLS, m.User)
	}
	errs.None(t)
}

func TestSMTPWrongPasswordNotRetried(t *testing.T) {
	nettest.NoLeak(t)
	ts := newSMTPTestServer(t, smtpTestConfig{TLS: true, User: "logger", Pass: "s3cret"})
	errs := nettest.NewErrs()
	h, err := New(Options{Addr: ts.Addr, From: "app@example.com", To: []string{"ops@example.com"},
		Username: "logger", Password: "wrong", StartTLS: true, TLS: &tls.Config{RootCAs: ts.Roots}, Delivery: netsink.Delivery{MaxRetries: 5, Backoff: netsink.Backoff{Initial: time.Millisecond}}}, errs.Opts())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	slog.New(h).Error("x")
	nettest.Flush(t, h)
	if err := errs.Next(t); !strings.Contains(err.Error(), "535") {
		t.Errorf("error %v", err)
	}
	if n := ts.connCount(); n != 1 {
		t.Errorf("%d connections: a 5yz reply was retried", n)
	}
	if s := h.Stats(); s.Errors != 1 || s.Records != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestSMTPStartTLSRequiredButMissing(t *testing.T) {
	nettest.NoLeak(t)
	ts := newSMTPTestServer(t, smtpTestConfig{}) // no TLS offered
	errs := nettest.NewErrs()
	h, err := New(Options{Addr: ts.Addr, From: "app@example.com", To: []string{"ops@example.com"},
		Username: "u", Password: "p", StartTLS: true, Delivery: netsink.Delivery{MaxRetries: 3, Backoff: netsink.Backoff{Initial: time.Millisecond}}}, errs.Opts())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	slog.New(h).Error("x")
	nettest.Flush(t, h)
	if err := errs.Next(t); !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("error %v", err)
	}
	ts.none(t)
	if n := ts.connCount(); n != 1 {
		t.Errorf("%d connections", n)
	}
}

func TestSMTPCredentialPolicy(t *testing.T) {
	base := Options{Addr: "127.0.0.1:1", From: "a@example.com", To: []string{"b@example.com"}, Username: "u", Password: "p"}
	if _, err := New(base, nil); err == nil || !strings.Contains(err.Error(), "AllowInsecureAuth") {
		t.Fatalf("credentials in clear accepted: %v", err)
	}
	for _, o := range []Options{
		{Addr: "", From: "a@example.com", To: []string{"b@example.com"}},
		{Addr: "127.0.0.1:1", From: "not an address", To: []string{"b@example.com"}},
		{Addr: "127.0.0.1:1", From: "a@example.com"},
		{Addr: "127.0.0.1:1", From: "a@example.com", To: []string{"b@example.com\r\nBcc: evil@example.net"}},
		{Addr: "127.0.0.1:1", From: "Evil\r\nBcc: x@example.net <a@example.com>", To: []string{"b@example.com"}},
		{Addr: "127.0.0.1:1", From: "a@example.com", To: []string{"b@example.com"}, Subject: "{{.Nope"},
		{Addr: "127.0.0.1:1", From: "a@example.com", To: []string{"b@example.com"}, StartTLS: true, ImplicitTLS: true},
		{Addr: "127.0.0.1:1", From: "a@example.com", To: []string{"b@example.com"}, LocalName: "a\r\nb"},
	} {
		if h, err := New(o, nil); err == nil {
			h.Close()
			t.Errorf("accepted %+v", o)
		}
	}
	nettest.NoLeak(t)
	for _, o := range []Options{
		func() Options { o := base; o.StartTLS = true; return o }(),
		func() Options { o := base; o.ImplicitTLS = true; return o }(),
		func() Options { o := base; o.AllowInsecureAuth = true; return o }(),
	} {
		h, err := New(o, nil)
		if err != nil {
			t.Errorf("refused %+v: %v", o, err)
			continue
		}
		h.Close()
	}
}

func TestSMTPInsecureAuthAllowed(t *testing.T) {
	nettest.NoLeak(t)
	ts := newSMTPTestServer(t, smtpTestConfig{User: "u", Pass: "p", AllowInsecureAuth: true})
	errs := nettest.NewErrs()
	h, err := New(Options{Addr: ts.Addr, From: "app@example.com", To: []string{"ops@example.com"},
		Username: "u", Password: "p", AllowInsecureAuth: true}, errs.Opts())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	slog.New(h).Error("clear")
	nettest.Flush(t, h)
	if m := ts.next(t); m.TLS || m.User != "u" {
		t.Errorf("tls=%v user=%q", m.TLS, m.User)
	}
	errs.None(t)
}

func TestSMTPImplicitTLS(t *testing.T) {
	nettest.NoLeak(t)
	cert, roots := nettest.TestCert(t)
	ts := newSMTPTestServer(t, smtpTestConfig{})
	// A TLS terminator in front of the plain server: SMTPS as port 465 speaks it.
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		b, err := smtpDialLoopback(ts.Addr)
		if err != nil {
			return
		}
		defer b.Close()
		smtpPipe(c, b)
	}()
	h, err := New(Options{Addr: l.Addr().String(), From: "app@example.com", To: []string{"ops@example.com"},
		ImplicitTLS: true, TLS: &tls.Config{RootCAs: roots}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h).Error("over smtps")
	nettest.Flush(t, h)
	_, body := smtpParse(t, ts.next(t).Data)
	if !strings.Contains(body, "over smtps") {
		t.Errorf("body %q", body)
	}
	h.Close()
	l.Close()
	<-done
}

func TestSMTPTransientRetried(t *testing.T) {
	nettest.NoLeak(t)
	ts := newSMTPTestServer(t, smtpTestConfig{})
	ts.failRcpt(smtpErrTransient, smtpErrTransient)
	errs := nettest.NewErrs()
	h, err := New(Options{Addr: ts.Addr, From: "app@example.com", To: []string{"ops@example.com"}, Delivery: netsink.Delivery{MaxRetries: 2, Backoff: netsink.Backoff{Initial: time.Millisecond}}}, errs.Opts())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	slog.New(h).Error("eventually")
	nettest.Flush(t, h)
	ts.next(t)
	errs.None(t)
	if n := ts.connCount(); n != 3 {
		t.Errorf("%d connections, want 3", n)
	}
	if s := h.Stats(); s.Records != 1 || s.Errors != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestSMTPServerDown(t *testing.T) {
	nettest.NoLeak(t)
	l, err := smtpListenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	errs := nettest.NewErrs()
	h, err := New(Options{Addr: addr, From: "app@example.com", To: []string{"ops@example.com"}, Delivery: netsink.Delivery{MaxRetries: 1, Backoff: netsink.Backoff{Initial: time.Millisecond}}}, errs.Opts())
	if err != nil {
		t.Fatalf("a server down at start-up must not be a construction error: %v", err)
	}
	defer h.Close()
	slog.New(h).Error("lost")
	nettest.Flush(t, h)
	if err := errs.Next(t); !strings.Contains(err.Error(), "gave up after 2 attempts") {
		t.Errorf("error %v", err)
	}
	if s := h.Stats(); s.Errors != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestSMTPSubjectSafety(t *testing.T) {
	nettest.NoLeak(t)
	ts := newSMTPTestServer(t, smtpTestConfig{})
	h, err := New(Options{Addr: ts.Addr, From: "app@example.com", To: []string{"ops@example.com"},
		Subject: "{{.Message}} {{.Attr \"x\"}}"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	slog.New(h).Error("hi\r\nBcc: evil@example.net\r\n\r\nbody", "x", "y\nTo: evil2@example.net")
	slog.New(h).Error("Größe überschritten ✓")
	nettest.Flush(t, h)

	m := ts.next(t)
	if strings.Join(m.To, ",") != "ops@example.com" {
		t.Fatalf("envelope changed: %q", m.To)
	}
	msg, body := smtpParse(t, m.Data)
	if got := msg.Header.Get("Subject"); got != "hi Bcc: evil@example.net body y To: evil2@example.net" {
		t.Errorf("subject %q", got)
	}
	if len(msg.Header["Bcc"]) != 0 || len(msg.Header["To"]) != 1 {
		t.Errorf("injected headers: %v", msg.Header)
	}
	if !strings.Contains(body, `msg="hi\r\nBcc`) {
		t.Errorf("body lost the message: %q", body)
	}

	msg2, _ := smtpParse(t, ts.next(t).Data)
	raw := msg2.Header.Get("Subject")
	if !strings.HasPrefix(raw, "=?utf-8?q?") {
		t.Errorf("non-ASCII subject not encoded: %q", raw)
	}
	dec, err := new(mime.WordDecoder).DecodeHeader(raw)
	if err != nil || dec != "Größe überschritten ✓" {
		t.Errorf("decoded %q, %v", dec, err)
	}
}

func TestSMTPLongSubjectCut(t *testing.T) {
	s := smtpCleanSubject(strings.Repeat("é", 1000))
	dec, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(dec)); n < 50 || !strings.HasSuffix(dec, "...") {
		t.Errorf("%d runes: %q", n, dec)
	}
	if s := smtpCleanSubject(strings.Repeat("a", 1000)); len(s) != smtpMaxSubject+3 {
		t.Errorf("ASCII subject cut to %d bytes", len(s))
	}
	if len(s) > 998-len("Subject: ") {
		t.Errorf("header line too long: %d", len(s))
	}
}

// smtpQuietOpts reports errors nowhere (they are still counted).
func smtpQuietOpts() *slogx.Options { return &slogx.Options{OnError: func(error) {}} }

// A mail refused with a transient reply after its DATA is sent again unchanged: the same
// Message-ID, so a server that did take it (its reply lost) can drop the duplicate.
func TestSMTPRetryKeepsMessageID(t *testing.T) {
	nettest.NoLeak(t)
	ts := newSMTPTestServer(t, smtpTestConfig{})
	ts.failData(smtpErrTransient)
	errs := nettest.NewErrs()
	h, err := New(Options{Addr: ts.Addr, From: "app@example.com", To: []string{"ops@example.com"}, Delivery: netsink.Delivery{MaxRetries: 1, Backoff: netsink.Backoff{Initial: time.Millisecond}}}, errs.Opts())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	slog.New(h).Error("twice")
	nettest.Flush(t, h)
	got, _ := smtpParse(t, ts.next(t).Data)
	refused := ts.refusedMails()
	if len(refused) != 1 {
		t.Fatalf("%d refused mails", len(refused))
	}
	first, _ := smtpParse(t, refused[0])
	if id := got.Header.Get("Message-ID"); id == "" || id != first.Header.Get("Message-ID") {
		t.Errorf("Message-ID %q, first attempt %q", id, first.Header.Get("Message-ID"))
	}
	errs.None(t)
	if s := h.Stats(); s.Records != 1 || s.Errors != 0 || s.Bytes != uint64(len(ts.refusedMails()[0])) {
		t.Errorf("stats %+v", s)
	}
}

// A server that accepts the connection and never answers: Handle does not wait for it, no
// record is counted as delivered, and Close gives up after CloseTimeout, counting every
// record it could not mail as dropped, once.
func TestSMTPStuckServerCloseTimeout(t *testing.T) {
	nettest.NoLeak(t)
	l, err := smtpListenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	errs := nettest.NewErrs()
	h, err := New(Options{Addr: l.Addr().String(), From: "app@example.com", To: []string{"ops@example.com"},
		SessionTimeout: time.Minute, Delivery: netsink.Delivery{CloseTimeout: 20 * time.Millisecond}}, errs.Opts())
	if err != nil {
		t.Fatal(err)
	}
	lg := slog.New(h)
	lg.Error("first")
	c := <-accepted // the sender is now waiting for a greeting that never comes
	defer c.Close()
	defer l.Close()
	for i := range 5 {
		lg.Error("queued", "i", i) // returns: it would block for a minute otherwise
	}
	if s := h.Stats(); s.Records != 0 || s.Dropped != 0 {
		t.Errorf("stats before close %+v", s)
	}
	if err := h.Close(); !errors.Is(err, netsink.ErrCloseTimeout) {
		t.Errorf("close: %v", err)
	}
	if s := h.Stats(); s.Records != 0 || s.Dropped != 6 || s.Errors != 0 {
		t.Errorf("stats after close %+v", s)
	}
	if err := errs.Next(t); !strings.Contains(err.Error(), "6 undelivered") {
		t.Errorf("reported %v", err)
	}
}
