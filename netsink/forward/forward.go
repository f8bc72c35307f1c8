package forward

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/deliver"
	"github.com/slogx/handlers/netsink/internal/netaddr"
	"github.com/slogx/handlers/netsink/internal/wire"
	"github.com/slogx/handlers/slogx"
)

// Defaults of Options.
const (
	DefaultTag          = "slogx"
	DefaultDialTimeout  = 5 * time.Second
	DefaultWriteTimeout = 10 * time.Second
	DefaultAckTimeout   = 60 * time.Second
)

// Options configures a Handler. The zero value is usable: tag "slogx", plain TCP, no
// handshake, the Delivery defaults.
type Options struct {
	// Tag is the Fluent tag of every record (what Fluentd's <match> and Fluent Bit's Match
	// route on); empty means DefaultTag.
	Tag string

	// SharedKey, when set, makes every connection start with the protocol's handshake
	// (HELO/PING/PONG, the server's <security> shared_key): the server must prove it knows
	// the key too. A rejected key fails the connection, counted in Stats().Errors and
	// reported through OnError with a message naming the shared key; records stay buffered
	// and are sent once a connection succeeds.
	SharedKey string

	// Hostname is this client's self_hostname in the handshake; empty means os.Hostname().
	Hostname string

	// Username and Password answer a server that asks for user authentication in its
	// HELO (<security> user_auth); they need SharedKey.
	Username, Password string

	// TLS, when set, wraps the connection in TLS with this configuration (ServerName
	// defaults to the host of addr; a unix socket needs ServerName or InsecureSkipVerify).
	TLS *tls.Config

	// Compress sends CompressedPackedForward: each batch's entries gzipped.
	Compress bool

	// DialTimeout bounds one connection attempt, TLS and handshake included; zero means
	// DefaultDialTimeout.
	DialTimeout time.Duration

	// WriteTimeout bounds one write of the sender goroutine; zero means
	// DefaultWriteTimeout. A write that takes longer breaks the connection, and the
	// unacknowledged records are sent again on the next. It never delays Handle.
	WriteTimeout time.Duration

	// AckTimeout is how long a sent batch may wait for its ack before the connection is
	// considered dead (and its unacknowledged records are sent again on a new one); zero
	// means DefaultAckTimeout. The server must answer the chunk option, as Fluentd,
	// Fluent Bit (1.5 and later), Vector and the Collector's receiver do: against one that
	// never acknowledges, every batch would time out, be sent again, and after three such
	// connections in a row its first record is dropped as poison (counted and reported).
	AckTimeout time.Duration

	// Delivery bounds the buffer of records held until acknowledged, and says what a full
	// buffer does, how batches form (a batch is one PackedForward message; BatchBytes zero
	// means 1 MiB of entries), the reconnect schedule and Close's bound. MaxRetries zero
	// means a batch is sent again until acknowledged.
	netsink.Delivery

	now func() time.Time // the backoff schedule's clock; nil means time.Now (tests)
}

// Handler sends records to a Fluentd, Fluent Bit, Vector or OpenTelemetry Collector
// (fluentforward receiver) over the Fluent Forward protocol v1: batches of records as
// PackedForward messages (CompressedPackedForward with Compress), each entry an EventTime
// with nanoseconds (0, "unknown", for a record without a time) and a map of "message",
// "level" (slog's level name: "INFO", "WARN+2"), "source" ({function, file, line}, with
// AddSource) and the attributes at the top level, groups as nested maps, under slog's rules
// (LogValuers resolved, ReplaceAttr applied, empty attributes and groups dropped). Values are
// plain msgpack, since Fluent's receivers know no extension but EventTime: strings, integers
// (uint64 kept unsigned), floats and booleans as themselves, time.Time as an RFC 3339 string
// with nanoseconds, time.Duration as integer nanoseconds, []byte as bin, errors as their
// Error() text, any other value as the tree of its JSON encoding (a struct as a map, a slice
// as an array). An attribute named "message" or "level" is written beside the built-in one;
// receivers keep one of the two.
//
// Handle never does network I/O: it encodes the record and appends it to a bounded buffer;
// one sender goroutine connects (lazily, and again with Backoff after a failure), runs the
// shared-key handshake when SharedKey is set, sends batches, each with a "chunk" id, and
// frees records only when the server acknowledges their chunk. Records are sent in the order
// Handle accepted them. Delivery is at least once: after a broken connection, or a batch not
// acknowledged within AckTimeout, every unacknowledged record is sent again, in order, on the
// next connection, so a server that received a batch but died before acknowledging it gets it
// twice (Forward has no deduplication). A record is lost only on purpose, counted and
// reported: the buffer full (see Overflow; Handle returns an error wrapping
// slogx.ErrBufferFull), a server closing the connection three times in a row on the same
// record, or Close finding it unacknowledged after Delivery.CloseTimeout.
//
// Stats: Records and Bytes count acknowledged records, Errors failed connection attempts
// (a rejected shared key among them) and broken connections, Dropped records discarded.
//
// A Handler is safe for concurrent use; handlers derived with WithAttrs and WithGroup share
// its buffer, connection and counters. Flush waits for the records handled before it to be
// acknowledged; Close flushes (up to Delivery.CloseTimeout) and closes the connection.
type Handler struct {
	*slogx.Handler
	eng *deliver.Engine
}

// New returns a Handler sending to addr: "host:port" over TCP (TLS when o.TLS is
// set), or "unix:///path/to/socket". It validates everything up front and does not connect:
// a server down at start-up is not an error. opts.Encoder must be nil: the record layout is
// the protocol's.
func New(addr string, o Options, opts *slogx.Options) (*Handler, error) {
	name := "netsink: forward " + addr
	t := &forwardTransport{o: &o}
	if path, ok := strings.CutPrefix(addr, "unix://"); ok {
		if path == "" {
			return nil, fmt.Errorf("netsink: forward address %q: no socket path", addr)
		}
		t.network, t.addr = "unix", path
	} else {
		host, err := netaddr.ValidateHostPort("forward", "tcp", addr)
		if err != nil {
			return nil, err
		}
		t.network, t.addr = "tcp", addr
		if o.TLS != nil {
			t.tlsConf = o.TLS.Clone()
			if t.tlsConf.ServerName == "" {
				t.tlsConf.ServerName = host
			}
		}
	}
	if o.TLS != nil && t.tlsConf == nil {
		if o.TLS.ServerName == "" && !o.TLS.InsecureSkipVerify {
			return nil, fmt.Errorf("%s: TLS over a unix socket needs TLS.ServerName (or InsecureSkipVerify)", name)
		}
		t.tlsConf = o.TLS.Clone()
	}
	if opts != nil && opts.Encoder != nil {
		return nil, fmt.Errorf("%s: the record layout is Forward's: Options.Encoder must be nil, not %T", name, opts.Encoder)
	}
	eo, err := deliver.FromDelivery(name, o.Delivery, deliver.Defaults{
		BatchBytes: 1 << 20,
		MaxRetries: -1, // acknowledged delivery: retry until Close gives up
	})
	if err != nil {
		return nil, err
	}
	eo.Now = o.now
	// Send has written (or framed into its own buffer) every byte of the batch when it
	// returns, so settled chunks can be reused: at high rates a new 64 KiB chunk per ~500
	// records kept the garbage collector busy.
	eo.RecycleChunks = true
	tag := o.Tag
	if tag == "" {
		tag = DefaultTag
	}
	if !utf8.ValidString(tag) {
		return nil, fmt.Errorf("%s: tag %q is not UTF-8", name, tag)
	}
	if (o.Username != "" || o.Password != "") && o.SharedKey == "" {
		return nil, fmt.Errorf("%s: Username and Password need SharedKey (they are part of the handshake)", name)
	}
	var tb bytes.Buffer
	_ = msgpack.NewEncoder(&tb).EncodeString(tag)
	t.tag = tb.Bytes()
	t.creds = forwardCredentials{hostname: o.Hostname, sharedKey: o.SharedKey, username: o.Username, password: o.Password}
	if o.SharedKey != "" && t.creds.hostname == "" {
		h, err := os.Hostname()
		if err != nil {
			return nil, fmt.Errorf("%s: hostname for the handshake: %w (set Options.Hostname)", name, err)
		}
		t.creds.hostname = h
	}

	var ho slogx.Options
	if opts != nil {
		ho = *opts
	}
	ho.Encoder, ho.NoTerminator = wire.NewForwardEncoder(), true // entries are concatenated as they are
	var eng *deliver.Engine
	h, err := slogx.Open(&ho, func(rep *slogx.Reporter) (io.Writer, error) {
		eng = deliver.New(t, rep, eo)
		return eng, nil
	})
	if err != nil {
		return nil, err
	}
	return &Handler{Handler: h, eng: eng}, nil
}

// Pending returns how many records wait for their acknowledgement.
func (f *Handler) Pending() int { return f.eng.Pending() }
