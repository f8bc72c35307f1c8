package config

import (
	"crypto/tls"
	"log/slog"
	"net"
	"strconv"
	"strings"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/forward"
	"github.com/slogx/handlers/netsink/httpsink"
	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/netsink/smtp"
	"github.com/slogx/handlers/netsink/syslog"
	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

// levelOnly are the options of handlers whose wire format is fixed (msgpack, Python's form):
// the entry's level, and no encoder.
func (c *hctx) levelOnly() *slogx.Options { return &slogx.Options{Level: c.opts.Level} }

// hostPort reads Python's (host, port) pair from two keys.
func (c *hctx) hostPort() string {
	host := c.RequiredString("host")
	if !c.Has("port") {
		c.Errorf("port", "required (unix sockets are not supported; use a port)")
	}
	port := c.Int("port", 0)
	if port < 0 || port > 65535 {
		c.Errorf("port", "want a port from 0 to 65535, got %d", port)
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// socketHandler is logging.handlers.SocketHandler(host, port). It speaks slogx's msgpack
// wire protocol to a netsink.Server (with acknowledgements), not Python's pickles.
func socketHandler(c *hctx) opener {
	addr := c.hostPort()
	return func() (slog.Handler, error) { return netsink.NewSocket(addr, netsink.SocketOptions{}, c.levelOnly()) }
}

// datagramHandler is logging.handlers.DatagramHandler(host, port), msgpack per datagram.
func datagramHandler(c *hctx) opener {
	addr := c.hostPort()
	return func() (slog.Handler, error) {
		return netsink.NewDatagram(addr, netsink.DatagramOptions{}, c.levelOnly())
	}
}

// sysLogHandler is logging.handlers.SysLogHandler(address=('localhost', 514),
// facility=LOG_USER, socktype=None), sending what CPython sends (SyslogPython).
func sysLogHandler(c *hctx) opener {
	o := syslog.Options{Format: syslog.Python, Severity: syslog.PythonSeverity,
		Facility: c.facility("facility")}
	o.Network, o.Addr = c.syslogAddress()
	return func() (slog.Handler, error) { return syslog.New(o, c.opts) }
}

// syslogAddress reads address ([host, port] or a socket path) and socktype.
func (c *hctx) syslogAddress() (network, addr string) {
	stream := false
	switch v, _ := c.Value("socktype"); v {
	case nil, int64(2), "ext://socket.SOCK_DGRAM":
	case int64(1), "ext://socket.SOCK_STREAM":
		stream = true
	default:
		c.Errorf("socktype", "want ext://socket.SOCK_DGRAM or ext://socket.SOCK_STREAM, got %s", describe(v))
	}
	v, ok := c.Value("address")
	switch a := v.(type) {
	case string:
		if stream {
			return "unix", a
		}
		return "", a // Python tries datagram, then stream
	case []any:
		if len(a) == 2 {
			host, hok := a[0].(string)
			port, pok := a[1].(int64)
			if hok && pok {
				network = "udp"
				if stream {
					network = "tcp"
				}
				return network, net.JoinHostPort(host, strconv.FormatInt(port, 10))
			}
		}
	}
	if !ok {
		network = "udp"
		if stream {
			network = "tcp"
		}
		return network, "localhost:514"
	}
	c.Errorf("address", "want [host, port] or a socket path, got %s", describeDeep(v))
	return "", ""
}

// facility reads a facility: a name of SysLogHandler.facility_names, a number, or
// ext://logging.handlers.SysLogHandler.LOG_LOCAL0.
func (c *hctx) facility(key string) syslog.Facility {
	v, ok := c.Value(key)
	if !ok {
		return syslog.LOG_USER
	}
	switch f := v.(type) {
	case int64:
		if f >= 1 && f <= 23 {
			return syslog.Facility(f)
		}
	case string:
		name := f
		if rest, ok := strings.CutPrefix(f, "ext://logging.handlers.SysLogHandler.LOG_"); ok {
			name = strings.ToLower(rest)
		}
		if fac, err := syslog.ParseFacility(name); err == nil && fac != syslog.LOG_KERN {
			return fac
		}
	}
	c.Errorf(key, "want a facility name (user, local0, ...) or number 1..23, got %s", describe(v))
	return 0
}

// slogxSyslog is slogx.netsink.Syslog: syslog.New with its own keys — network
// (udp, tcp, tcp+tls, unix, unixgram), address ("host:port" or a path), facility,
// format (rfc5424, rfc3164, python), framing (octet-counting, lf), appName, hostname, ident.
func slogxSyslog(c *hctx) opener {
	o := syslog.Options{
		Network:  c.OneOf("network", "", "udp", "tcp", "tcp+tls", "unix", "unixgram"),
		Addr:     c.String("address", ""),
		Facility: c.facility("facility"),
		AppName:  c.String("appName", ""),
		Hostname: c.String("hostname", ""),
		Ident:    c.String("ident", ""),
	}
	switch c.OneOf("format", "rfc5424", "rfc5424", "rfc3164", "python") {
	case "rfc5424":
		o.Format = syslog.RFC5424
	case "rfc3164":
		o.Format = syslog.RFC3164
	case "python":
		o.Format, o.Severity = syslog.Python, syslog.PythonSeverity
	}
	if c.OneOf("framing", "octet-counting", "octet-counting", "lf") == "lf" {
		o.Framing = syslog.LF
	}
	opts := c.opts
	if !c.Has("formatter") && o.Format != syslog.Python {
		opts = c.levelOnly() // the message and its attributes, netsink's default MSG
	}
	return func() (slog.Handler, error) { return syslog.New(o, opts) }
}

// smtpHandler is logging.handlers.SMTPHandler(mailhost, fromaddr, toaddrs, subject,
// credentials=None, secure=None, timeout=1.0). secure [] is STARTTLS, [keyfile, certfile]
// adds a client certificate; credentials without secure are refused (clear text).
func smtpHandler(c *hctx) opener {
	o := smtp.Options{
		Addr:           c.mailhost(),
		From:           c.RequiredString("fromaddr"),
		To:             c.Strings("toaddrs"),
		Subject:        literalTemplate(c.RequiredString("subject")),
		SessionTimeout: c.Seconds("timeout", 0),
	}
	if !c.Has("toaddrs") {
		c.Errorf("toaddrs", "required")
	}
	if creds := c.Strings("credentials"); creds != nil {
		if len(creds) != 2 {
			c.Errorf("credentials", "want [username, password]")
		}
		o.Username, o.Password = creds[0], creds[len(creds)-1]
	}
	if c.Has("secure") {
		o.StartTLS = true
		o.TLS = c.clientCert("secure")
	} else if o.Username != "" {
		c.Errorf("credentials", "would be sent in clear text: add secure: [] (STARTTLS)")
	}
	return func() (slog.Handler, error) { return smtp.New(o, c.opts) }
}

// mailhost reads SMTPHandler's mailhost: "host" or [host, port].
func (c *hctx) mailhost() string {
	v, ok := c.Value("mailhost")
	switch m := v.(type) {
	case string:
		return m
	case []any:
		if len(m) == 2 {
			host, hok := m[0].(string)
			port, pok := m[1].(int64)
			if hok && pok {
				return net.JoinHostPort(host, strconv.FormatInt(port, 10))
			}
		}
	}
	if !ok {
		c.Errorf("mailhost", "required")
	} else {
		c.Errorf("mailhost", "want \"host\" or [host, port], got %s", describeDeep(v))
	}
	return ""
}

// clientCert reads SMTPHandler's secure tuple: () or (keyfile, certfile).
func (c *hctx) clientCert(key string) *tls.Config {
	files := c.Strings(key)
	switch len(files) {
	case 0:
		return nil
	case 2:
		cert, err := tls.LoadX509KeyPair(files[1], files[0])
		if err != nil {
			c.Errorf(key, "%v", err)
			return nil
		}
		return &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	c.Errorf(key, "want [] or [keyfile, certfile]")
	return nil
}

// literalTemplate returns a text/template that prints s as it is: Python's subject is fixed
// text, and netsink's Subject is a template.
func literalTemplate(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return "{{" + strconv.Quote(s) + "}}"
}

// httpHandler is logging.handlers.HTTPHandler(host, url, method='GET', secure=False,
// credentials=None), sending CPython's form (httpsink.Python).
func httpHandler(c *hctx) opener {
	host := c.RequiredString("host")
	path := c.RequiredString("url")
	if path != "" && !strings.HasPrefix(path, "/") {
		c.Errorf("url", "want a path starting with /, got %q", path)
	}
	scheme := "http"
	if c.Bool("secure", false) {
		scheme = "https"
	}
	o := httpsink.Options{URL: scheme + "://" + host + path, Method: c.OneOf("method", "GET", "GET", "POST"),
		Format: httpsink.Python}
	if creds := c.Strings("credentials"); creds != nil {
		if len(creds) != 2 {
			c.Errorf("credentials", "want [username, password]")
		} else if scheme == "http" {
			c.Errorf("credentials", "would be sent in clear text: add secure: true (https)")
		}
		o.Username, o.Password = creds[0], creds[len(creds)-1]
	}
	return func() (slog.Handler, error) { return httpsink.New(o, c.levelOnly()) }
}

// ntEventLogHandler is logging.handlers.NTEventLogHandler(appname, dllname=None,
// logtype='Application'); it registers the source, as Python does. Windows only.
func ntEventLogHandler(c *hctx) opener {
	app := c.RequiredString("appname")
	o := sinks.EventLogOptions{Install: true, MessageFile: c.String("dllname", "")}
	if lt := c.String("logtype", "Application"); lt != "Application" {
		c.Errorf("logtype", "only \"Application\" is supported, got %q", lt)
	}
	return func() (slog.Handler, error) { return sinks.NewEventLog(app, o, c.opts) }
}

// describeDeep describes lists by their elements, for addresses.
func describeDeep(v any) string {
	l, ok := v.([]any)
	if !ok {
		return describe(v)
	}
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = describe(e)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// slogxForward is slogx.netsink.Forward: forward.New with address ("host:port" or
// "unix:///path"), tag, sharedKey, hostname and compress (Fluent Forward v1, chunk acks).
func slogxForward(c *hctx) opener {
	addr := c.RequiredString("address")
	o := forward.Options{
		Tag:       c.String("tag", ""),
		SharedKey: c.String("sharedKey", ""),
		Hostname:  c.String("hostname", ""),
		Compress:  c.Bool("compress", false),
	}
	return func() (slog.Handler, error) { return forward.New(addr, o, c.levelOnly()) }
}

// slogxOTLP is slogx.netsink.OTLP: otlp.New with url (empty: OTel's environment
// variables, then http://localhost:4318/v1/logs), scope, json and compress; headers and the
// resource come from OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES.
func slogxOTLP(c *hctx) opener {
	o := otlp.Options{
		URL:   c.String("url", ""),
		Scope: c.String("scope", ""),
	}
	if c.Has("json") { // explicit either way, which OTEL_* does not override
		o.Protocol = "http/protobuf"
		if c.Bool("json", false) {
			o.Protocol = "http/json"
		}
	}
	if c.Has("compress") { // false is an explicit "none", which OTEL_* does not override
		o.Compression = "none"
		if c.Bool("compress", false) {
			o.Compression = "gzip"
		}
	}
	return func() (slog.Handler, error) { return otlp.New(o, c.levelOnly()) }
}
