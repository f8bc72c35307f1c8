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

// send delivers one batch (one record unless the format is NDJSON) with retries. It runs on
// the batcher's goroutine only.
func (s *httpShared) send(ctx context.Context, batch [][]byte) {
	var body []byte
	ctype := "application/json"
	switch s.o.Format {
	case FormatPython:
		body = batch[0]
		ctype = "application/x-www-form-urlencoded"
	case FormatJSON:
		body = batch[0]
	case FormatNDJSON:
		n := 0
		for _, b := range batch {
			n += len(b) + 1
		}
		body = make([]byte, 0, n)
		for _, b := range batch {
			body = append(append(body, b...), '\n')
		}
		ctype = "application/x-ndjson"
	}
	err := batchRetry(ctx, s.o.Backoff, s.maxRetry, func(ctx context.Context) error {
		return s.attempt(ctx, body, ctype)
	})
	if err != nil {
		s.rep.Error(fmt.Errorf("netsink: http %s %s: %d record(s) not delivered: %w",
			s.o.Method, s.url, len(batch), err))
		return
	}
	s.records.Add(uint64(len(batch)))
	s.bytes.Add(uint64(len(body)))
}

// attempt makes one request. A 4xx response is a batchPermanent error.
func (s *httpShared) attempt(ctx context.Context, body []byte, ctype string) error {
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
		req.Header.Set("Content-Type", ctype)
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
