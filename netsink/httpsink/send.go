package httpsink

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/slogx/handlers/netsink/internal/deliver"
	"github.com/slogx/handlers/netsink/internal/netaddr"
)

// contentType is the Content-Type of the format's body.
func (f Format) contentType() string {
	switch f {
	case Python:
		return "application/x-www-form-urlencoded"
	case NDJSON:
		return "application/x-ndjson"
	}
	return "application/json"
}

// httpTransport makes the requests of an HTTP handler, one per batch (a batch holds one
// record unless the format is NDJSON). It is its own deliver.Conn: HTTP has no connection
// of ours to set up, the client pools its own. The engine calls it from its sender goroutine
// only.
type httpTransport struct {
	o      Options
	url    string // without credentials
	client *http.Client
	own    *http.Transport // closed with the handler when the client is ours
	wire   atomic.Uint64   // body bytes of the requests that succeeded
}

// Connect implements deliver.Transport.
func (s *httpTransport) Connect(context.Context) (deliver.Conn, error) { return s, nil }

// Close implements deliver.Conn; a failed request leaves nothing of ours to close.
func (s *httpTransport) Close() error { return nil }

// Send implements deliver.Conn: one request carrying b. A 4xx (or 3xx: redirects are not
// followed) response is permanent; network errors and 5xx responses may be retried.
func (s *httpTransport) Send(ctx context.Context, b *deliver.Batch) error {
	body := b.Records[0]
	if s.o.Format == NDJSON {
		body = make([]byte, 0, b.Bytes+len(b.Records))
		for _, r := range b.Records {
			body = append(append(body, r...), '\n')
		}
	}
	if err := s.send(ctx, body); err != nil {
		return err
	}
	s.wire.Add(uint64(len(body)))
	return nil
}

// release closes the idle connections of the handler's own client, at Close.
func (s *httpTransport) release() {
	if s.own != nil {
		s.own.CloseIdleConnections()
	}
}

// send makes one request.
func (s *httpTransport) send(ctx context.Context, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.o.RequestTimeout)
	defer cancel()
	target := s.url
	var rd io.Reader
	if s.o.Method == http.MethodGet {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + string(body)
	} else {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, s.o.Method, target, rd)
	if err != nil {
		return deliver.Permanent(err)
	}
	for k, vs := range s.o.Headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if rd != nil {
		req.Header.Set("Content-Type", s.o.Format.contentType())
	}
	if s.o.Username != "" || s.o.Password != "" {
		req.SetBasicAuth(s.o.Username, s.o.Password)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	snippet := make([]byte, 256)
	n, _ := io.ReadFull(resp.Body, snippet)
	snippet = snippet[:n]
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, netaddr.MaxResponse))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("status %s: %q", resp.Status, snippet)
	if resp.StatusCode >= 500 {
		return err
	}
	return deliver.Permanent(err)
}
