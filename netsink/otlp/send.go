package otlp

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/slogx/handlers/netsink/internal/deliver"
	"github.com/slogx/handlers/netsink/internal/netaddr"
	"github.com/slogx/handlers/slogx"
)

// otlpMaxRetryAfter bounds the wait a Retry-After header can impose: a broken date must not
// hold the handler's records for days.
const otlpMaxRetryAfter = 5 * time.Minute

// otlpTransport posts batches of encoded LogRecords as ExportLogsServiceRequests. It is its
// own deliver.Conn, as httpTransport: the client pools the connections. The engine calls it
// from its sender goroutine only, so zw is not shared.
type otlpTransport struct {
	name     string // "netsink: otlp <url>", the prefix of what it reports itself
	url      string
	json     bool
	gzip     bool
	headers  [][2]string
	resource []byte // Resource: message bytes, or the JSON object
	scope    []byte // InstrumentationScope, likewise
	timeout  time.Duration
	client   *http.Client
	own      *http.Transport // closed with the handler
	now      func() time.Time
	rep      *slogx.Reporter
	zw       *gzip.Writer

	wire     atomic.Uint64 // request body bytes accepted
	rejected atomic.Uint64 // records the receiver rejected in partial successes
}

// Connect implements deliver.Transport.
func (t *otlpTransport) Connect(context.Context) (deliver.Conn, error) { return t, nil }

// Close implements deliver.Conn.
func (t *otlpTransport) Close() error { return nil }

func (t *otlpTransport) release() {
	if t.own != nil {
		t.own.CloseIdleConnections()
	}
}

// Send implements deliver.Conn: one request for the batch. 429, 502, 503 and 504 and network
// errors are transient (with the server's Retry-After); every other non-2xx status is
// permanent, as OTLP/HTTP specifies. A partial success is reported, not retried.
func (t *otlpTransport) Send(ctx context.Context, b *deliver.Batch) error {
	// A new body per request: the HTTP client may still read the last one after Do returned
	// (a server that answers before reading it all).
	var body []byte
	if t.json {
		body = t.jsonRequest(b)
	} else {
		body = t.protoRequest(b)
	}
	if t.gzip {
		var zb bytes.Buffer
		zb.Grow(len(body) / 4)
		if t.zw == nil {
			t.zw, _ = gzip.NewWriterLevel(&zb, gzip.BestSpeed)
		} else {
			t.zw.Reset(&zb)
		}
		_, _ = t.zw.Write(body)
		_ = t.zw.Close()
		body = zb.Bytes()
	}
	if err := t.post(ctx, body, len(b.Records)); err != nil {
		return err
	}
	t.wire.Add(uint64(len(body)))
	return nil
}

// protoRequest frames the batch's LogRecords into
// ExportLogsServiceRequest{ResourceLogs{Resource, ScopeLogs{Scope, LogRecords...}}}, sized
// up front so it is written once.
func (t *otlpTransport) protoRequest(b *deliver.Batch) []byte {
	field := func(n int) int { return 1 + protowire.SizeBytes(n) } // one-byte tags throughout
	scopeLogs := field(len(t.scope))
	for _, r := range b.Records {
		scopeLogs += field(len(r))
	}
	resourceLogs := field(len(t.resource)) + field(scopeLogs)
	out := make([]byte, 0, field(resourceLogs))
	out = protowire.AppendTag(out, otlpRequestResourceLogs, protowire.BytesType)
	out = protowire.AppendVarint(out, uint64(resourceLogs))
	out = pbBytes(out, otlpResourceLogsResource, t.resource)
	out = protowire.AppendTag(out, otlpResourceLogsScopeLogs, protowire.BytesType)
	out = protowire.AppendVarint(out, uint64(scopeLogs))
	out = pbBytes(out, otlpScopeLogsScope, t.scope)
	for _, r := range b.Records {
		out = pbBytes(out, otlpScopeLogsLogRecords, r)
	}
	return out
}

// jsonRequest is protoRequest in the JSON mapping.
func (t *otlpTransport) jsonRequest(b *deliver.Batch) []byte {
	out := make([]byte, 0, b.Bytes+len(b.Records)+len(t.resource)+len(t.scope)+96)
	out = append(out, `{"resourceLogs":[{"resource":`...)
	out = append(out, t.resource...)
	out = append(out, `,"scopeLogs":[{"scope":`...)
	out = append(out, t.scope...)
	out = append(out, `,"logRecords":[`...)
	for i, r := range b.Records {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, r...)
	}
	return append(out, `]}]}]}`...)
}

// post makes the request and interprets the response.
func (t *otlpTransport) post(ctx context.Context, body []byte, records int) error {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return deliver.Permanent(err)
	}
	for _, h := range t.headers {
		req.Header.Set(h[0], h[1])
	}
	if t.json {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-protobuf")
	}
	if t.gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, netaddr.MaxResponse))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, netaddr.MaxResponse)) // reuse the connection
	replyJSON := t.json
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		replyJSON = strings.Contains(ct, "json")
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		t.partial(reply, replyJSON, records)
		return nil
	}
	err = fmt.Errorf("status %s: %s", resp.Status, otlpStatusText(reply, replyJSON))
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if d, ok := otlpRetryAfter(resp.Header.Get("Retry-After"), t.now()); ok {
			return deliver.RetryAfter(err, d)
		}
		return err
	}
	return deliver.Permanent(err)
}

// partial reports a partial success: rejected records are counted as Dropped (the receiver
// discarded them on purpose and retrying would not change its mind) and taken off Records; a
// message with nothing rejected is a warning, reported and not counted.
func (t *otlpTransport) partial(reply []byte, isJSON bool, records int) {
	rejected, msg, err := otlpDecodeResponse(reply, isJSON)
	switch {
	case err != nil:
		t.rep.Drop(0, fmt.Errorf("%s: %d records accepted, but the response is unreadable: %w", t.name, records, err))
	case rejected > 0:
		n := min(uint64(rejected), uint64(records))
		t.rejected.Add(n)
		t.rep.Drop(n, fmt.Errorf("%s: the receiver rejected %d of %d records: %s", t.name, n, records, msg))
	case msg != "":
		t.rep.Drop(0, fmt.Errorf("%s: the receiver accepted %d records with a warning: %s", t.name, records, msg))
	}
}

// otlpDecodeResponse reads an ExportLogsServiceResponse (empty means full success).
func otlpDecodeResponse(body []byte, isJSON bool) (rejected int64, msg string, err error) {
	if isJSON {
		return otlpDecodeJSONResponse(body)
	}
	ps, err := pbField(body, otlpResponsePartialSuccess)
	if err != nil || ps == nil {
		return 0, "", err
	}
	for len(ps) > 0 {
		num, typ, n := protowire.ConsumeTag(ps)
		if n < 0 {
			return 0, "", protowire.ParseError(n)
		}
		ps = ps[n:]
		switch {
		case num == otlpPartialRejected && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(ps)
			if n < 0 {
				return 0, "", protowire.ParseError(n)
			}
			rejected, ps = int64(v), ps[n:]
			continue
		case num == otlpPartialMessage && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(ps)
			if n < 0 {
				return 0, "", protowire.ParseError(n)
			}
			msg, ps = string(v), ps[n:]
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, ps)
		if n < 0 {
			return 0, "", protowire.ParseError(n)
		}
		ps = ps[n:]
	}
	if rejected < 0 {
		return 0, "", fmt.Errorf("negative rejected_log_records %d", rejected)
	}
	return rejected, msg, nil
}

// pbField returns the last bytes field num of message b (nil when absent), checking that b
// parses.
func pbField(b []byte, num protowire.Number) ([]byte, error) {
	var out []byte
	for len(b) > 0 {
		n, typ, k := protowire.ConsumeTag(b)
		if k < 0 {
			return nil, protowire.ParseError(k)
		}
		b = b[k:]
		k = protowire.ConsumeFieldValue(n, typ, b)
		if k < 0 {
			return nil, protowire.ParseError(k)
		}
		if n == num && typ == protowire.BytesType {
			v, _ := protowire.ConsumeBytes(b[:k])
			out = v
			if out == nil {
				out = []byte{}
			}
		}
		b = b[k:]
	}
	return out, nil
}

// otlpStatusText is the message of an error response's google.rpc.Status, or the start of
// the body quoted.
func otlpStatusText(body []byte, isJSON bool) string {
	if isJSON {
		var r otlpJSONResponse
		if json.Unmarshal(body, &r) == nil && r.Message != "" {
			return r.Message
		}
	} else if m, err := pbField(body, otlpStatusMessage); err == nil && m != nil {
		return string(m)
	}
	if len(body) > 256 {
		body = body[:256]
	}
	return strconv.Quote(string(body))
}

// otlpRetryAfter reads a Retry-After header: delay seconds or an HTTP date, at most
// otlpMaxRetryAfter.
func otlpRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return min(time.Duration(min(secs, int64(otlpMaxRetryAfter/time.Second)))*time.Second, otlpMaxRetryAfter), true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(at.Sub(now), 0), otlpMaxRetryAfter), true
}
