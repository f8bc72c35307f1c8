package httpsink

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/deliver"
	"github.com/slogx/handlers/netsink/internal/netaddr"
	"github.com/slogx/handlers/slogx"
)

// Format is the request body of an HTTP handler.
type Format int

const (
	// Python sends one request per record carrying Python's record dict, urlencoded, as
	// logging.handlers.HTTPHandler does: the form keys of CPython's LogRecord.__dict__ (name,
	// msg, args, levelname, levelno, pathname, filename, module, exc_info, exc_text,
	// stack_info, lineno, funcName, created, msecs, relativeCreated, thread, threadName,
	// processName, process), then the record's attributes as extra keys, groups flattened with
	// dots (a key that collides with one of Python's gets a "_" prefix; Python would raise).
	// POST sends it as an application/x-www-form-urlencoded body, GET in the query string.
	// Values print as Python's str() would (True, None, 1.0); thread and threadName are None,
	// as in Python with logging.logThreads off, because goroutines have no identity; funcName
	// is the Go function's full name; relativeCreated counts from New. Options.ReplaceAttr applies to the attributes, not to
	// Python's fixed fields, and Options.Encoder is not used.
	Python Format = iota

	// JSON sends one request per record whose body is the record encoded by the
	// handler's encoder (slogx.JSON() unless Options.Encoder says otherwise), as
	// application/json: an Options.Encoder given here should write JSON.
	JSON

	// NDJSON sends batches: one request carries up to Delivery.BatchRecords records, one encoded
	// record per line, as application/x-ndjson.
	NDJSON
)

// String returns the format's name.
func (f Format) String() string {
	switch f {
	case Python:
		return "python"
	case JSON:
		return "json"
	case NDJSON:
		return "ndjson"
	}
	return fmt.Sprintf("httpsink.Format(%d)", int(f))
}

// Options configures New. The zero value of every field but URL is usable.
type Options struct {
	// URL is the endpoint, http:// or https://. Credentials in it count as Username/Password.
	URL string

	// Method is GET, POST or PUT. Empty means POST (Python's default is GET, which puts every
	// record in the URL and so in access logs; GET is accepted with Python only).
	Method string

	// Username and Password are sent with HTTP basic authentication. Over plain http they are
	// refused at construction unless AllowInsecure is set, as is an Authorization header.
	Username, Password string

	// Format selects the body; the zero value is Python's urlencoded record dict.
	Format Format

	// Headers are added to every request. Values containing CR, LF or NUL are refused.
	Headers http.Header

	// Name is the logger name sent as "name" in Python. Empty means "root", the name
	// of Python's root logger; slog has no logger names.
	Name string

	// RequestTimeout bounds one request, response included. Zero means 5 s.
	RequestTimeout time.Duration

	// Client sends the requests. Nil means a client of the handler's own (closed by Close)
	// that does not follow redirects: a redirect is an error, so credentials and records never
	// go to a host that was not configured.
	Client *http.Client

	// AllowInsecure allows credentials over plain http.
	AllowInsecure bool

	// Delivery holds the records waiting to be sent and says how they are retried, and how
	// long Close waits for them (a request in flight when CloseTimeout passes is cancelled).
	// A batch is one request: Python and JSON send one record per request;
	// NDJSON up to BatchRecords (zero: 100). A network error or a 5xx response is
	// retried, a 4xx response is not.
	netsink.Delivery
}

// Handler is a slog.Handler that posts records to a web server, Python's HTTPHandler. Handle
// encodes the record and queues it; one background goroutine sends the requests in order,
// so the caller never waits for the network. Records are lost only when the buffer is full (see Delivery),
// the handler is closed, or delivery failed after the retries — every such loss is counted
// in Stats and reported through Options.OnError.
//
// Stats: Records and Bytes count records delivered (2xx) and their body bytes, Errors failed
// requests (after retries), Dropped records discarded (buffer full, closed, close timeout).
// Flush waits until every record handled before the call has been sent (or has failed and
// been counted), or ctx ends; after Close it returns an error wrapping slogx.ErrClosed.
// Close stops accepting records, sends what is queued (waiting at most Delivery.CloseTimeout, then
// counting the rest as dropped and returning an error wrapping ErrCloseTimeout) and stops
// the sender goroutine; it is idempotent and closes every handler derived from h. The
// sender is the shared delivery engine (netsink/internal/deliver): one request per batch,
// retries on its backoff, a 4xx response refusing the batch at once.
type Handler struct {
	*slogx.Handler
}

// New returns an HTTP handler. It validates the options (URL, method, header values,
// credentials over plain http) and starts the sender goroutine; it does not connect.
// Close it to deliver the queued records and stop the goroutine.
func New(o Options, opts *slogx.Options) (*Handler, error) {
	t, err := httpNewTransport(o)
	if err != nil {
		return nil, err
	}
	o = t.o
	var ho slogx.Options
	if opts != nil {
		ho = *opts
	}
	if o.Format == Python {
		ho.Encoder = newHTTPFormEncoder(o.Name, time.Now())
	}
	ho.NoTerminator = true // a request carries one record; NDJSON lines are the sender's
	eo, err := deliver.FromDelivery(fmt.Sprintf("netsink: http %s %s", o.Method, t.url), o.Delivery,
		deliver.Defaults{BatchRecords: 100, MaxRetries: 3})
	if err != nil {
		return nil, err
	}
	if o.Format != NDJSON {
		eo.MaxBatchRecords = 1
	}
	h, err := slogx.Open(&ho, func(rep *slogx.Reporter) (io.Writer, error) {
		return deliver.NewExchangeWriter(t, rep, eo, &t.wire, t.release), nil
	})
	if err != nil {
		return nil, err
	}
	return &Handler{Handler: h}, nil
}

// httpNewTransport validates o and resolves its defaults.
func httpNewTransport(o Options) (*httpTransport, error) {
	u, err := url.Parse(o.URL)
	if err != nil {
		return nil, fmt.Errorf("netsink: http url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("netsink: http url %q: scheme must be http or https", o.URL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("netsink: http url %q: no host", o.URL)
	}
	if u.User != nil {
		if o.Username == "" {
			o.Username = u.User.Username()
			o.Password, _ = u.User.Password()
		}
		u.User = nil
	}
	o.Method = strings.ToUpper(o.Method)
	switch o.Method {
	case "":
		o.Method = http.MethodPost
	case http.MethodPost, http.MethodPut:
	case http.MethodGet:
		if o.Format != Python {
			return nil, fmt.Errorf("netsink: http method GET needs the Python format, not %v", o.Format)
		}
	default:
		return nil, fmt.Errorf("netsink: http method %q: want GET, POST or PUT", o.Method)
	}
	if o.Format < Python || o.Format > NDJSON {
		return nil, fmt.Errorf("netsink: unknown http format %v", o.Format)
	}
	for k, vs := range o.Headers {
		if !netaddr.ValidHeaderName(k) {
			return nil, fmt.Errorf("netsink: http header name %q is not a token", k)
		}
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n\x00") {
				return nil, fmt.Errorf("netsink: http header %s: value contains CR, LF or NUL", k)
			}
		}
	}
	o.Headers = o.Headers.Clone() // the caller may reuse its map
	creds := o.Username != "" || o.Password != "" || o.Headers.Get("Authorization") != ""
	if creds && u.Scheme == "http" && !o.AllowInsecure {
		return nil, errors.New("netsink: http credentials over plain http refused (use https, or set AllowInsecure)")
	}
	if o.Name == "" {
		o.Name = "root"
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 5 * time.Second
	}
	t := &httpTransport{o: o, url: u.String(), client: o.Client}
	if t.client == nil {
		t.own = http.DefaultTransport.(*http.Transport).Clone()
		t.client = &http.Client{
			Transport: t.own,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
	}
	return t, nil
}
