package syslog

import (
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/deliver"
	"github.com/slogx/handlers/netsink/internal/netaddr"
	"github.com/slogx/handlers/slogx"
)

// Format selects the syslog message format.
type Format int

const (
	// Auto is RFC5424 on udp, tcp and tcp+tls, and RFC3164 on unix
	// sockets, whose readers (rsyslog's imuxsock with its default parser, journald) expect the
	// form the C library's syslog(3) writes.
	Auto Format = iota
	// RFC5424 is RFC 5424:
	//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG
	// with a microsecond TIMESTAMP that names the record's instant — in the record time's
	// offset, or in UTC when that offset has seconds (local mean time zones, time.FixedZone)
	// or the year is outside 0000..9999 there; a time with no 4-digit year even in UTC is the
	// NILVALUE, its instant (RFC 3339, nanoseconds) then going to the catch-all element as the
	// param "time" when StructuredDataID is set —, MSGID from the Options.MsgIDKey
	// attribute, STRUCTURED-DATA from SD-ID groups (see Handler) and a
	// BOM-less UTF-8 MSG. A field with nothing to say is the NILVALUE "-".
	RFC5424
	// RFC3164 is the BSD format of RFC 3164:
	//   <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PROCID]: MSG
	// with the time in the record time's location (the time of the call when a record has none).
	// TAG is the app name. On unix sockets HOSTNAME is left out, as syslog(3) does, because a
	// local daemon stamps its own and would otherwise take our hostname for the tag. RFC 3164
	// expects a printable MSG: control characters (LF, TAB, ...) are written as '#' and three
	// octal digits ("#012"), exactly as rsyslog escapes them on receipt.
	RFC3164
	// Python is what CPython's SysLogHandler sends: "<PRI>" + Ident + MSG + "\x00",
	// byte-identical for the same record (with Severity: PythonSeverity also for levels
	// Python has no name for). Attributes, which Python records lack, follow the message
	// in logfmt unless an Encoder is set. Real daemons misparse it (rsyslog takes the first
	// word of the message for the hostname); use it only for peers that expect it. On a
	// stream the frame (see Framing) carries exactly these bytes.
	Python
)

// Framing selects how messages are delimited on stream transports (tcp, tcp+tls,
// unix stream). Datagrams carry one message each and are never framed.
type Framing int

const (
	// OctetCounting prefixes each message with its length and a space (RFC 6587
	// §3.4.1, RFC 5425): any byte may appear in a message.
	OctetCounting Framing = iota
	// LF ends each message with LF (RFC 6587 §3.4.2, "non-transparent framing"), for
	// receivers without octet counting. Every LF inside a message is sent as the four bytes
	// "#012" (rsyslog's own escape for a received LF), and every NUL as "#000" (syslog-ng
	// ends a record at NUL too), so no message can forge another.
	LF
)

// Options configures New. The zero value logs to the local syslog daemon.
type Options struct {
	// Network is "udp", "tcp", "tcp+tls", "unix" (stream) or "unixgram". Empty means
	// "udp" when Addr is a host:port, and a unix socket (datagram, then stream, as Python's
	// SysLogHandler) when Addr is empty or a path.
	Network string
	// Addr is host:port for udp, tcp and tcp+tls (empty: localhost:514, localhost:6514 for
	// tcp+tls), or a socket path for unix networks (empty: the first of /dev/log,
	// /var/run/syslog, /var/run/log that accepts a connection).
	Addr string
	// Facility of every record. The zero value means LOG_USER (Python's default): like
	// syslog(3), a program cannot claim the kernel's facility 0.
	Facility Facility
	// Format of the messages; see Format.
	Format Format
	// Framing on stream transports; the zero value is octet counting.
	Framing Framing
	// TLS configures tcp+tls; nil means the system roots and the host of Addr.
	TLS *tls.Config

	// Hostname is HOSTNAME; empty means os.Hostname().
	Hostname string
	// AppName is APP-NAME (the TAG in RFC 3164); empty means the program's base name.
	AppName string
	// ProcID is PROCID; empty means the process id.
	ProcID string
	// MsgIDKey is the key of the top-level attribute whose value becomes MSGID (RFC 5424);
	// empty means "msgid", "-" disables it. The attribute is removed from the MSG.
	MsgIDKey string
	// StructuredDataID, when set (an SD-ID such as "slog@32473"), puts every attribute that
	// is not in an SD-ID group into one SD-ELEMENT of that ID instead of the MSG (RFC 5424).
	// It must be of the form name@<private enterprise number>: RFC 5424 §6.3.2 reserves names
	// without '@' for IANA, and the registered ones admit only their own params. New
	// refuses anything else.
	StructuredDataID string
	// Ident is prepended to the MSG in the Python format, as SysLogHandler.ident.
	Ident string
	// Severity maps a record level to a severity; nil means LevelSeverity. PythonSeverity
	// reproduces CPython's mapping, custom levels included.
	Severity func(slog.Level) Severity

	// DialTimeout bounds each connection attempt, TLS handshake included; zero means 5 s.
	DialTimeout time.Duration
	// WriteTimeout bounds each write (a datagram, or a batch on a stream); zero means 5 s.
	// On streams no log call waits for either: the delivery engine's goroutine dials and
	// writes.
	WriteTimeout time.Duration

	// Delivery configures the delivery engine of streams (tcp, tcp+tls, unix). On datagram
	// networks (udp, unixgram) only Buffer and Backoff apply: records that cannot be sent
	// (the daemon is unreachable) are held, in order, up to Buffer bytes (oldest dropped
	// first; negative: not held, a record that cannot be sent is an error) and sent before
	// the next record once a connection succeeds, or at Close. MaxRetries zero means a
	// batch is written again until it is accepted.
	netsink.Delivery

	now func() time.Time // the reconnect schedule's clock and RFC 3164's time for records without one; nil means time.Now (tests)
}

// Handler is a slog.Handler that sends each record to a syslog daemon as one message.
//
// # Where attributes go
//
// By default the MSG is the record's message, a space, and the attributes in slogx.Text's
// logfmt ("disk full path=/var free=0"). With opts.Encoder set, the MSG is that encoder's
// output instead (slogx.JSON() gives one JSON object per message).
//
// In RFC 5424 some attributes leave the MSG for fields of their own (top-level attributes
// only, added to the record or with WithAttrs before any WithGroup):
//   - the attribute keyed MsgIDKey ("msgid") becomes MSGID;
//   - a group whose key is an SD-ID of the enterprise form "name@number"
//     (slog.Group("origin@32473", "ip", ip)) becomes the SD-ELEMENT [origin@32473 ip="..."];
//     nested groups flatten into dotted PARAM-NAMEs;
//   - with StructuredDataID set, every other attribute becomes a PARAM of that element
//     (group names dotted in front) and the MSG is the message alone.
//
// PARAM-VALUEs are the attribute's text with '"', '\' and ']' backslash-escaped (RFC 5424
// §6.3.3); PARAM-NAMEs are the dotted group path and key with '%' and the bytes an SD-NAME
// cannot hold (outside printable ASCII, '=', ' ', ']', '"') percent-escaped ("a b" becomes
// "a%20b"), so two attributes never share a name by sanitizing; a name longer than RFC 5424's
// 32 bytes keeps its first 22 bytes and ends in "%~" and 8 hex digits of a hash of the whole
// name; an empty name is "%~". The same SD-ID from several places is merged into one
// element. In RFC 3164 and the Python format these attributes stay in the MSG. Header fields
// (HOSTNAME, APP-NAME, PROCID, MSGID) have bytes outside printable ASCII replaced by '_' and
// are cut to RFC 5424's lengths. Invalid UTF-8 in the MSG becomes U+FFFD.
//
// # Delivery
//
// A Handler connects on the first record, not at construction, and reconnects with
// Delivery.Backoff.
//
// On streams (tcp, tcp+tls, unix, and a "local" socket that is a stream) a log call never
// dials or writes: it copies the message into a buffer of Delivery.Buffer bytes and a
// sender goroutine (the delivery engine Socket uses) frames and writes batches, in order,
// replaying a failed batch on the next connection. A full buffer applies Delivery.Overflow. A daemon
// that closed the stream while idle is noticed before writing (on Unix systems) and the
// connection is made again at once. Syslog has no acknowledgements: Stats().Records counts
// records the kernel accepted, and TCP can lose what it accepted just before a reset.
//
// On datagrams (udp, unixgram) each log call sends one datagram itself, bounded by WriteTimeout;
// while the daemon cannot be reached records are held in a bounded buffer (oldest dropped
// first) and sent, in order, before the next record once a connection succeeds, or at Close.
// Stats().Records counts datagrams sent.
//
// Connection failures are counted in Stats().Errors, dropped records in Stats().Dropped.
//
// A Handler is safe for concurrent use; Close flushes and is idempotent.
type Handler struct {
	*slogx.Handler
	stream *syslogStream   // the stream transport, nil on datagrams
	eng    *deliver.Engine // the stream's delivery engine, nil on datagrams
}

// Pending returns how many records wait to be written to a stream (tcp, tcp+tls, unix);
// always 0 on datagrams, which are sent by the log call itself.
func (s *Handler) Pending() int {
	if s.eng == nil {
		return 0
	}
	return s.eng.Pending()
}

// New returns a handler sending records to the syslog daemon described by o. It
// validates o (network, address, facility, format, SD-ID, overflow) and returns an error for
// a bad value; it does not connect. opts supplies the level, the MSG Encoder (nil: message
// and logfmt attributes), AddSource, ReplaceAttr and OnError; its terminator is not used.
func New(o Options, opts *slogx.Options) (*Handler, error) {
	conn, err := syslogNewConn(&o)
	if err != nil {
		return nil, err
	}
	eo, err := deliver.FromDelivery("netsink: syslog "+conn.describe(), o.Delivery,
		deliver.Defaults{MaxRetries: -1}) // a stream has no refusals: retry until Close gives up
	if err != nil {
		return nil, err
	}
	eo.Now = o.now
	// Send has written (or framed into its own buffer) every byte of the batch when it
	// returns, so settled chunks can be reused: at high rates a new 64 KiB chunk per ~500
	// records kept the garbage collector busy.
	eo.RecycleChunks = true
	local := syslogIsLocal(conn.network)
	var stream *syslogStream
	var engine *deliver.Engine
	h, err := syslogOpenHandler(&o, local, opts, func(rep *slogx.Reporter) io.Writer {
		conn.rep = rep
		switch conn.network {
		case "udp", "unixgram":
			return conn
		}
		stream = &syslogStream{network: conn.network, addrs: conn.addrs, tls: conn.tls, framing: o.Framing,
			dialTimeout: conn.dialTimeout, writeTimeout: conn.writeTimeout}
		if stream.network == "local" {
			stream.network = "unix"
		}
		eng := deliver.New(stream, rep, eo)
		engine = eng
		if conn.network == "local" {
			return &syslogLocal{dgram: conn, eng: eng}
		}
		return eng
	})
	if err != nil {
		return nil, err
	}
	return &Handler{Handler: h, stream: stream, eng: engine}, nil
}

// syslogNewHandler builds the handler over any writer that takes one message per Write.
func syslogNewHandler(w io.Writer, o *Options, local bool, opts *slogx.Options) (*slogx.Handler, error) {
	return syslogOpenHandler(o, local, opts, func(*slogx.Reporter) io.Writer { return w })
}

// syslogOpenHandler builds the handler over the writer open returns (given the handler's
// reporter, and only once the options are valid), which takes one message per Write.
func syslogOpenHandler(o *Options, local bool, opts *slogx.Options, open func(*slogx.Reporter) io.Writer) (*slogx.Handler, error) {
	var ho slogx.Options
	if opts != nil {
		ho = *opts
	}
	enc, err := syslogBuildEncoder(o, local, ho.Encoder)
	if err != nil {
		return nil, err
	}
	ho.Encoder = enc
	ho.NoTerminator = true // framing is the connection's business
	return slogx.Open(&ho, func(rep *slogx.Reporter) (io.Writer, error) { return open(rep), nil })
}

// NewEncoder returns the encoder New formats records with, for writers of one's
// own: each record becomes one complete syslog message — PRI, header, STRUCTURED-DATA and MSG
// in o.Format, sanitized exactly as New sends them — without framing or terminator, for
// a transport New does not speak, or a file in syslog's format. The message is what
// octet-counted framing carries: RFC 3164's MSG has its control characters escaped (#012),
// but an RFC 5424 or Python MSG keeps a line break of the log message as it is (New's
// LF framing escapes it when it frames), so a line-per-record file wants RFC 3164 or a
// message without line breaks.
//
// o's format fields are read (Format, Facility, Severity, Hostname, AppName, ProcID, MsgIDKey,
// StructuredDataID, Ident); Network decides only what it decides for New: on local
// sockets (unix, unixgram, local) the default Format is RFC 3164 and RFC 3164 leaves out
// HOSTNAME. The delivery fields are ignored. msg writes the MSG part (nil: the message and
// the attributes in logfmt), as slogx.Options.Encoder does for New.
func NewEncoder(o Options, msg slogx.Encoder) (slogx.Encoder, error) {
	return syslogBuildEncoder(&o, syslogIsLocal(o.Network), msg)
}

// syslogIsLocal reports whether network reaches the daemon on this machine: the default
// format is then RFC 3164, without HOSTNAME, as the local daemons expect.
func syslogIsLocal(network string) bool {
	return network == "unix" || network == "unixgram" || network == "local"
}

// syslogBuildEncoder validates o's format fields and returns the encoder of a Syslog, whose
// MSG is written by body (nil: TextAttrs).
func syslogBuildEncoder(o *Options, local bool, body slogx.Encoder) (*syslogEncoder, error) {
	cfg, err := syslogNewConfig(o, local)
	if err != nil {
		return nil, err
	}
	enc := &syslogEncoder{cfg: cfg, body: body, custom: body != nil}
	if body == nil {
		enc.body = slogx.TextAttrs()
	}
	return enc, nil
}

func syslogNewConn(o *Options) (*syslogConn, error) {
	c := &syslogConn{
		network:      o.Network,
		dialTimeout:  o.DialTimeout,
		writeTimeout: o.WriteTimeout,
		limit:        o.Buffer,
		now:          o.now,
		backoff:      deliver.Backoff{Initial: o.Backoff.Initial, Max: o.Backoff.Max, Factor: o.Backoff.Factor},
	}
	if c.dialTimeout <= 0 {
		c.dialTimeout = 5 * time.Second
	}
	if c.writeTimeout <= 0 {
		c.writeTimeout = 5 * time.Second
	}
	if c.limit == 0 {
		c.limit = deliver.DefaultBuffer
	}
	if c.now == nil {
		c.now = time.Now
	}
	if o.Framing != OctetCounting && o.Framing != LF {
		return nil, fmt.Errorf("netsink: syslog: unknown framing %d", o.Framing)
	}
	if c.network == "" {
		if o.Addr == "" || strings.HasPrefix(o.Addr, "/") || strings.HasPrefix(o.Addr, ".") {
			c.network = "local"
		} else {
			c.network = "udp"
		}
	}
	switch c.network {
	case "udp", "tcp", "tcp+tls":
		addr := o.Addr
		if addr == "" {
			addr = "localhost:514"
			if c.network == "tcp+tls" {
				addr = "localhost:6514"
			}
		}
		host, err := netaddr.ValidateHostPort("syslog", strings.TrimSuffix(c.network, "+tls"), addr)
		if err != nil {
			return nil, err
		}
		c.addrs = []string{addr}
		if c.network == "tcp+tls" {
			c.tls = o.TLS.Clone()
			if c.tls == nil {
				c.tls = &tls.Config{}
			}
			if c.tls.ServerName == "" && !c.tls.InsecureSkipVerify {
				c.tls.ServerName = host
			}
		}
	case "unix", "unixgram", "local":
		if o.Addr != "" {
			c.addrs = []string{o.Addr}
		} else {
			c.addrs = syslogLocalPaths
		}
	default:
		return nil, fmt.Errorf("netsink: syslog: unknown network %q (want udp, tcp, tcp+tls, unix or unixgram)", o.Network)
	}
	if o.TLS != nil && c.network != "tcp+tls" {
		return nil, fmt.Errorf("netsink: syslog: TLS configured for network %q (use tcp+tls)", c.network)
	}
	return c, nil
}

func syslogNewConfig(o *Options, local bool) (*syslogConfig, error) {
	cfg := &syslogConfig{
		format:   o.Format,
		facility: o.Facility,
		severity: o.Severity,
		msgIDKey: o.MsgIDKey,
		sdID:     o.StructuredDataID,
		ident:    o.Ident,
		now:      o.now,
	}
	if cfg.facility == 0 {
		cfg.facility = LOG_USER
	}
	if cfg.facility < 0 || cfg.facility > LOG_LOCAL7 {
		return nil, fmt.Errorf("netsink: syslog: facility %d out of range 0..23", o.Facility)
	}
	switch cfg.format {
	case Auto:
		cfg.format = RFC5424
		if local {
			cfg.format = RFC3164
		}
	case RFC5424, RFC3164, Python:
	default:
		return nil, fmt.Errorf("netsink: syslog: unknown format %d", o.Format)
	}
	if cfg.severity == nil {
		cfg.severity = LevelSeverity
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	switch cfg.msgIDKey {
	case "":
		cfg.msgIDKey = "msgid"
	case "-":
		cfg.msgIDKey = ""
	}
	if cfg.sdID != "" && !syslogValidSDID(cfg.sdID) {
		return nil, fmt.Errorf("netsink: syslog: invalid SD-ID %q: RFC 5424 wants name@<private enterprise number> (at most 32 printable ASCII, no '=', ' ', ']', '\"'); names without '@' are IANA's", cfg.sdID)
	}
	host := o.Hostname
	if host == "" {
		host, _ = os.Hostname() // no hostname is the NILVALUE, not an error
	}
	app := o.AppName
	if app == "" && len(os.Args) > 0 {
		app = filepath.Base(os.Args[0])
	}
	procID := o.ProcID
	if procID == "" {
		procID = strconv.Itoa(os.Getpid())
	}
	cfg.head5424 = " " + syslogHeaderField(host, syslogMaxHostname) + " " +
		syslogHeaderField(app, syslogMaxAppName) + " " + syslogHeaderField(procID, syslogMaxProcID) + " "
	var tail strings.Builder
	tail.WriteByte(' ')
	if !local {
		tail.WriteString(syslogHeaderField(host, syslogMaxHostname))
		tail.WriteByte(' ')
	}
	tail.WriteString(syslogTag(app))
	tail.WriteByte('[')
	tail.WriteString(syslogHeaderField(procID, syslogMaxProcID))
	tail.WriteString("]: ")
	cfg.tail3164 = tail.String()
	return cfg, nil
}

// syslogTag is app as an RFC 3164 TAG: at most 32 printable ASCII bytes, none of the
// ':', '[' and ']' that end a tag for parsers.
func syslogTag(app string) string {
	b := []byte(syslogHeaderField(app, 32))
	for i, c := range b {
		if c == ':' || c == '[' || c == ']' {
			b[i] = '_'
		}
	}
	return string(b)
}
