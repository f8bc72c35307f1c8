package netsink

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// httpMaxResponse bounds what is read of a response body: enough to reuse the connection
// and quote the start of an error page, never an unbounded read from the network.
const httpMaxResponse = 64 << 10

// contentType is the Content-Type of the format's body.
func (f HTTPFormat) contentType() string {
	switch f {
	case FormatPython:
		return "application/x-www-form-urlencoded"
	case FormatNDJSON:
		return "application/x-ndjson"
	}
	return "application/json"
}

// httpTransport makes the requests of an HTTP handler: one per batch, which holds one record
// unless the format is NDJSON. It runs on the sender's goroutine only.
type httpTransport struct {
	o      HTTPOptions
	url    string // without credentials
	client *http.Client
	own    *http.Transport // closed with the handler when the client is ours
}

// payload returns the request body for batch: the record itself, or NDJSON lines.
func (s *httpTransport) payload(batch [][]byte) []byte {
	if s.o.Format != FormatNDJSON {
		return batch[0]
	}
	n := 0
	for _, b := range batch {
		n += len(b) + 1
	}
	body := make([]byte, 0, n)
	for _, b := range batch {
		body = append(append(body, b...), '\n')
	}
	return body
}

func (s *httpTransport) failed(n int, err error) error {
	return fmt.Errorf("netsink: http %s %s: %d record(s) not delivered: %w", s.o.Method, s.url, n, err)
}

func (s *httpTransport) close() {
	if s.own != nil {
		s.own.CloseIdleConnections()
	}
}

// send makes one request. A 4xx (or 3xx: redirects are not followed) response is a
// batchPermanent error.
func (s *httpTransport) send(ctx context.Context, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.o.Timeout)
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
		return batchPermanent{err}
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
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, httpMaxResponse))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("status %s: %q", resp.Status, snippet)
	if resp.StatusCode >= 500 {
		return err
	}
	return batchPermanent{err}
}
