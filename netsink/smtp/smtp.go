package smtp

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"text/template"
	"time"

	"github.com/slogx/handlers/internal/anyfmt"
	"github.com/slogx/handlers/internal/attrtree"
	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/deliver"
	"github.com/slogx/handlers/slogx"
)

// Options configures New. Addr, From and To are required; every other zero value is
// usable.
type Options struct {
	// Addr is the server, "host:port"; a missing port means 25.
	Addr string

	// From is the sender address (RFC 5322, e.g. "App <app@example.com>").
	From string

	// To are the recipient addresses (RFC 5322); at least one is required.
	To []string

	// Subject is a text/template executed over an Record for every record, e.g.
	// "{{.LevelName}} from app: {{.Message}}" or "{{.Attr \"user.id\"}}". Empty means
	// "{{.LevelName}}: {{.Message}}". The result is made safe for a header: control characters
	// (CR and LF included) become spaces, it is cut to 200 characters, and non-ASCII text is
	// sent as MIME encoded-words. Python's SMTPHandler has a fixed subject (getSubject);
	// a template with no actions is exactly that.
	Subject string

	// Username and Password authenticate with AUTH PLAIN. Credentials require StartTLS or
	// ImplicitTLS, unless AllowInsecureAuth; New refuses them otherwise.
	Username, Password string

	// StartTLS upgrades the connection with STARTTLS before anything else is sent; a server
	// that does not offer it is an error (never a silent downgrade).
	StartTLS bool

	// ImplicitTLS speaks TLS from the first byte (SMTPS, usually port 465).
	ImplicitTLS bool

	// TLS configures StartTLS and ImplicitTLS. Nil means the system roots and ServerName
	// from Addr; a config without ServerName gets it from Addr too.
	TLS *tls.Config

	// AllowInsecureAuth allows sending credentials over an unencrypted connection.
	AllowInsecureAuth bool

	// LocalName is the name sent with EHLO. Empty means "localhost", as net/smtp does.
	LocalName string

	// SessionTimeout bounds one whole SMTP session (connect to QUIT). Zero means 10 s.
	SessionTimeout time.Duration

	// Delivery holds the mails waiting to be sent and says how they are retried, and how
	// long Close waits for them (a mail being sent when CloseTimeout passes is cut). A batch
	// is one mail: BatchRecords is forced to 1 (one mail per record, as Python's
	// SMTPHandler) unless BatchInterval is positive, which collects the records of that
	// interval after the first into one mail of at most BatchRecords (zero: 100). A
	// transient (4yz) reply or a network error is retried, a permanent (5yz) one is not.
	netsink.Delivery

	now func() time.Time // stamps the Date header; nil means time.Now (tests)
}

// Record is the data of the Subject template: the record being mailed.
type Record struct {
	Time      time.Time  // the record's time
	Level     slog.Level // prints as slog does: INFO, ERROR, ERROR+2
	LevelName string     // Python's name: INFO, WARNING, CRITICAL, "Level 45"
	Message   string     // the record's message

	scope attrtree.Scope
	rec   slog.Record
}

// Attr returns the value of the record's attribute key (groups joined with dots, as
// "req.method"), or "" when there is none. It sees the handler's WithAttrs and WithGroup too.
func (r Record) Attr(key string) string {
	as := r.scope.Attrs(r.rec)
	for {
		head, rest, dotted := strings.Cut(key, ".")
		var found *slog.Attr
		for i := range as {
			if as[i].Key == key {
				return anyfmt.ValueString(as[i].Value)
			}
			if dotted && as[i].Key == head && as[i].Value.Kind() == slog.KindGroup {
				found = &as[i]
			}
		}
		if found == nil {
			return ""
		}
		as, key = found.Value.Group(), rest
	}
}

// Handler is a slog.Handler that mails records, Python's SMTPHandler. Handle renders the subject,
// encodes the body and queues the record; one background goroutine talks SMTP, so the caller
// never waits for the server. Records are lost only when the buffer is full (see Delivery), the handler
// is closed, or delivery failed after the retries — every loss is counted in Stats and reported.
//
// Header injection is impossible: addresses are validated at construction, and neither the
// subject nor any attribute can put CR or LF into a header line (attributes only ever reach
// the body, which is quoted-printable).
//
// Stats: Records and Bytes count records mailed and message bytes; Errors failed mails (after
// retries) and subject template failures (the record is still mailed, under "LEVEL:
// message"); Dropped records discarded (buffer full, closed, close timeout). Flush waits until
// every record handled before the call has been mailed (or has failed and been counted), or
// ctx ends; a batch being collected is sent at once; after Close it returns an error wrapping
// slogx.ErrClosed. Close stops accepting records, mails what is queued (waiting at most
// CloseTimeout, then counting the rest as dropped and returning an error wrapping
// ErrCloseTimeout) and stops the sender goroutine; it is idempotent and closes every handler
// derived from h. The sender is the shared delivery engine (netsink/internal/deliver): one
// mail per batch, retries on its backoff, a 5yz reply refusing the batch at once.
type Handler struct {
	*slogx.Handler
}

// New returns an SMTP handler. The body of each record is opts.Encoder's encoding
// (slogx.Text() when nil). New validates the addresses, the subject template and the
// credentials policy and starts the sender goroutine; it does not connect. Close it to send
// the queued mails and stop the goroutine.
func New(o Options, opts *slogx.Options) (*Handler, error) {
	t, tmpl, err := smtpNewTransport(o)
	if err != nil {
		return nil, err
	}
	o = t.o
	var ho slogx.Options
	if opts != nil {
		ho = *opts
	}
	enc := newSMTPEncoder(tmpl, ho.Encoder)
	ho.Encoder = enc
	ho.NoTerminator = true // the mail puts one record per line
	eo, err := deliver.FromDelivery("netsink: smtp "+o.Addr, o.Delivery, deliver.Defaults{BatchRecords: 100, MaxRetries: 3})
	if err != nil {
		return nil, err
	}
	if o.BatchInterval <= 0 {
		eo.MaxBatchRecords = 1
	}
	h, err := slogx.Open(&ho, func(rep *slogx.Reporter) (io.Writer, error) {
		enc.subj.rep = rep
		return deliver.NewExchangeWriter(t, rep, eo, &t.wire, func() {}), nil
	})
	if err != nil {
		return nil, err
	}
	return &Handler{Handler: h}, nil
}

// smtpNewTransport validates o, resolves its defaults and parses the subject template.
func smtpNewTransport(o Options) (*smtpTransport, *template.Template, error) {
	if o.Addr == "" {
		return nil, nil, errors.New("netsink: smtp: no server address")
	}
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		host = o.Addr
		o.Addr = net.JoinHostPort(o.Addr, "25")
	}
	if host == "" {
		return nil, nil, fmt.Errorf("netsink: smtp address %q: no host", o.Addr)
	}
	s := &smtpTransport{host: host}
	if s.from, err = smtpParseAddress(o.From); err != nil {
		return nil, nil, fmt.Errorf("netsink: smtp from: %w", err)
	}
	if len(o.To) == 0 {
		return nil, nil, errors.New("netsink: smtp: no recipients")
	}
	for _, t := range o.To {
		a, err := smtpParseAddress(t)
		if err != nil {
			return nil, nil, fmt.Errorf("netsink: smtp to: %w", err)
		}
		s.to = append(s.to, a)
	}
	if o.Subject == "" {
		o.Subject = "{{.LevelName}}: {{.Message}}"
	}
	tmpl, err := template.New("subject").Option("missingkey=zero").Parse(o.Subject)
	if err != nil {
		return nil, nil, fmt.Errorf("netsink: smtp subject: %w", err)
	}
	creds := o.Username != "" || o.Password != ""
	if creds && !o.StartTLS && !o.ImplicitTLS && !o.AllowInsecureAuth {
		return nil, nil, errors.New("netsink: smtp credentials without StartTLS or ImplicitTLS refused (set AllowInsecureAuth to send them in clear)")
	}
	if o.StartTLS && o.ImplicitTLS {
		return nil, nil, errors.New("netsink: smtp: StartTLS and ImplicitTLS are exclusive")
	}
	if o.StartTLS || o.ImplicitTLS {
		if o.TLS != nil {
			s.tls = o.TLS.Clone()
		} else {
			s.tls = &tls.Config{}
		}
		if s.tls.ServerName == "" {
			s.tls.ServerName = host
		}
	}
	if strings.ContainsAny(o.LocalName, "\r\n \t") {
		return nil, nil, fmt.Errorf("netsink: smtp local name %q: contains white space", o.LocalName)
	}
	if o.LocalName == "" {
		o.LocalName = "localhost"
	}
	if o.SessionTimeout <= 0 {
		o.SessionTimeout = 10 * time.Second
	}
	if o.now == nil {
		o.now = time.Now
	}
	s.o = o
	return s, tmpl, nil
}

// smtpParseAddress parses one RFC 5322 address, refusing control characters outright so
// that nothing the parser might tolerate can reach a header.
func smtpParseAddress(s string) (*mail.Address, error) {
	for _, c := range s {
		if c < ' ' || c == 0x7f {
			return nil, fmt.Errorf("address %q contains a control character", s)
		}
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", s, err)
	}
	return a, nil
}
