package otlptest

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/slogx/handlers/netsink/internal/nettest"
)

// Protobuf writers for the tests: a message is the concatenation of its fields.
func pbBytes(num protowire.Number, v ...[]byte) []byte {
	b := protowire.AppendTag(nil, num, protowire.BytesType)
	return protowire.AppendBytes(b, bytes.Join(v, nil))
}

func pbStr(num protowire.Number, s string) []byte { return pbBytes(num, []byte(s)) }

func pbVarint(num protowire.Number, x uint64) []byte {
	return protowire.AppendVarint(protowire.AppendTag(nil, num, protowire.VarintType), x)
}

func pbFixed64(num protowire.Number, x uint64) []byte {
	return protowire.AppendFixed64(protowire.AppendTag(nil, num, protowire.Fixed64Type), x)
}

func pbFixed32(num protowire.Number, x uint32) []byte {
	return protowire.AppendFixed32(protowire.AppendTag(nil, num, protowire.Fixed32Type), x)
}

func pbKV(k string, v []byte) []byte {
	return bytes.Join([][]byte{pbStr(fKVKey, k), pbBytes(fKVValue, v)}, nil)
}

var at = time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)

// protoRequest is a request using every field the decoder reads, unknown fields among them,
// the resource after the scope logs, and two ResourceLogs.
func protoRequest() []byte {
	body := pbBytes(fValueKVList,
		pbBytes(fListValues, pbKV("arr", pbBytes(fValueArray,
			pbBytes(fListValues, pbVarint(fValueInt, uint64(1<<64-5))), // -5
			pbBytes(fListValues, pbFixed64(fValueDouble, math.Float64bits(2.5))),
			pbBytes(fListValues), // an empty value
		))),
		pbBytes(fListValues, pbKV("bytes", pbBytes(fValueBytes, []byte{0, 1}))),
		pbBytes(fListValues, pbKV("ok", pbVarint(fValueBool, 1))),
	)
	rec := bytes.Join([][]byte{
		pbFixed64(fRecordTime, uint64(at.UnixNano())),
		pbFixed64(fRecordObserved, uint64(at.Add(time.Second).UnixNano())),
		pbVarint(fRecordSeverity, 13),
		pbStr(fRecordSeverityText, "WARN"),
		pbBytes(fRecordBody, body),
		pbBytes(fRecordAttributes, pbKV("k", pbStr(fValueString, "first"))),
		pbBytes(fRecordAttributes, pbKV("n", pbVarint(fValueInt, 42))),
		pbBytes(fRecordAttributes, pbKV("k", pbStr(fValueString, "second"))),
		pbFixed32(fRecordFlags, 1),
		pbBytes(fRecordTraceID, []byte{0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}),
		pbBytes(fRecordSpanID, []byte{1, 2, 3, 4, 5, 6, 7, 8}),
		pbStr(fRecordEventName, "order.placed"),
		pbVarint(99, 7), // unknown: skipped
	}, nil)
	scope := pbBytes(fScopeLogsScope, pbStr(fScopeName, "lib"), pbStr(fScopeVersion, "1.2"))
	rl1 := bytes.Join([][]byte{
		pbBytes(fResourceLogsScopeLogs, scope, pbBytes(fScopeLogsRecords, rec)),
		pbBytes(fResourceLogsResource, pbBytes(fResourceAttributes, pbKV("service.name", pbStr(fValueString, "svc")))),
	}, nil)
	rl2 := pbBytes(fResourceLogsScopeLogs, pbBytes(fScopeLogsRecords, pbBytes(fRecordBody, pbStr(fValueString, "bare"))))
	return bytes.Join([][]byte{pbBytes(fRequestResourceLogs, rl1), pbBytes(fRequestResourceLogs, rl2)}, nil)
}

// jsonRequest is protoRequest in the OTLP/JSON mapping, 64-bit integers as strings and as
// numbers.
const jsonRequestText = `{"resourceLogs":[
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
  "scopeLogs":[{"scope":{"name":"lib","version":"1.2"},"logRecords":[{
   "timeUnixNano":"1772600767123456789","observedTimeUnixNano":1772600768123456789,
   "severityNumber":13,"severityText":"WARN",
   "body":{"kvlistValue":{"values":[
     {"key":"arr","value":{"arrayValue":{"values":[{"intValue":"-5"},{"doubleValue":2.5},{}]}}},
     {"key":"bytes","value":{"bytesValue":"AAE="}},
     {"key":"ok","value":{"boolValue":true}}]}},
   "attributes":[{"key":"k","value":{"stringValue":"first"}},{"key":"n","value":{"intValue":42}},
     {"key":"k","value":{"stringValue":"second"}}],
   "flags":1,"traceId":"deadbeef0102030405060708090a0b0c","spanId":"0102030405060708",
   "eventName":"order.placed","unknownField":{"x":1}}]}]},
 {"scopeLogs":[{"logRecords":[{"body":{"stringValue":"bare"}}]}]}]}`

func wantRecords() []Record {
	res := map[string]any{"service.name": "svc"}
	return []Record{{
		Time: at, ObservedTime: at.Add(time.Second), SeverityNumber: 13, SeverityText: "WARN",
		Body:       map[string]any{"arr": []any{int64(-5), 2.5, nil}, "bytes": []byte{0, 1}, "ok": true},
		Attributes: map[string]any{"k": "second", "n": int64(42)}, AttributeKeys: []string{"k", "n", "k"},
		Resource: res, Scope: "lib", ScopeVersion: "1.2",
		TraceID: "deadbeef0102030405060708090a0b0c", SpanID: "0102030405060708", Flags: 1, EventName: "order.placed",
	}, {Body: "bare", Attributes: map[string]any{}, Resource: map[string]any{}}}
}

// Both encodings of the same request decode to the same records, every field read.
func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name   string
		body   []byte
		isJSON bool
	}{{"protobuf", protoRequest(), false}, {"json", []byte(jsonRequestText), true}} {
		got, err := Decode(tc.body, tc.isJSON)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i := range got {
			got[i].Time, got[i].ObservedTime = got[i].Time.UTC(), got[i].ObservedTime.UTC()
		}
		if want := wantRecords(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %#v\nwant %#v", tc.name, got, want)
		}
	}
}

func nested(depth int, isJSON bool) []byte {
	if isJSON {
		v := `{"stringValue":"x"}`
		for range depth {
			v = `{"arrayValue":{"values":[` + v + `]}}`
		}
		return []byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":` + v + `}]}]}]}`)
	}
	v := pbStr(fValueString, "x")
	for range depth {
		v = pbBytes(fValueArray, pbBytes(fListValues, v))
	}
	return pbBytes(fRequestResourceLogs, pbBytes(fResourceLogsScopeLogs, pbBytes(fScopeLogsRecords, pbBytes(fRecordBody, v))))
}

// Malformed requests are refused with the reason: wrong wire types, truncation, ids of the
// wrong length, values nested past MaxDepth.
func TestDecodeRefuses(t *testing.T) {
	for _, isJSON := range []bool{false, true} {
		if _, err := Decode(nested(MaxDepth, isJSON), isJSON); err != nil {
			t.Errorf("json=%v: nesting of MaxDepth refused: %v", isJSON, err)
		}
		if _, err := Decode(nested(MaxDepth+1, isJSON), isJSON); err == nil || !strings.Contains(err.Error(), "nested deeper than 64") {
			t.Errorf("json=%v: nesting past MaxDepth: %v", isJSON, err)
		}
	}
	rl := func(rec []byte) []byte {
		return pbBytes(fRequestResourceLogs, pbBytes(fResourceLogsScopeLogs, pbBytes(fScopeLogsRecords, rec)))
	}
	for name, tc := range map[string]struct {
		body   []byte
		isJSON bool
		want   string
	}{
		"time as a varint":  {rl(pbVarint(fRecordTime, 1)), false, "time_unix_nano (field 1): wire type 0, want 1"},
		"truncated":         {protoRequest()[:40], false, "unexpected EOF"},
		"short trace id":    {rl(pbBytes(fRecordTraceID, []byte{1, 2, 3})), false, "trace_id of 3 bytes, want 16"},
		"group wire type":   {[]byte{0x0b}, false, "wire type 3"},
		"two value fields":  {[]byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a","boolValue":true}}]}]}]}`), true, "with 2 fields"},
		"int not a number":  {[]byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"intValue":"x"}}]}]}]}`), true, "invalid syntax"},
		"json trace id":     {[]byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"abc"}]}]}]}`), true, "traceId"},
		"not json":          {[]byte(`{"resourceLogs":`), true, "unexpected EOF"},
		"json nested 10^5":  {[]byte(strings.Repeat("[", 100_000)), true, "exceeded max depth"},
		"wrong json type":   {[]byte(`{"resourceLogs":{}}`), true, "resourceLogs: object, want array"},
		"trailing data":     {[]byte(`{} {}`), true, "data after the request"},
		"unknown any field": {[]byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"fooValue":1}}]}]}]}`), true, "unknown value field"},
	} {
		if _, err := Decode(tc.body, tc.isJSON); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, tc.want)
		}
	}
}

func post(t *testing.T, url, ct, enc string, body []byte) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	if enc != "" {
		req.Header.Set("Content-Encoding", enc)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// What the receiver cannot take is answered 4xx with the reason, kept in Requests with its
// error, and its records are not in Records; bodies are bounded as sent and decompressed.
func TestReceiverRefuses(t *testing.T) {
	nettest.NoLeak(t)
	defer http.DefaultClient.CloseIdleConnections()
	r := NewReceiver(t, Options{MaxBody: 1 << 16})
	for _, tc := range []struct {
		name, ct, enc string
		body          []byte
		status        int
		want          string
	}{
		{"text", "text/plain", "", []byte("x"), 415, "want application/x-protobuf or application/json"},
		{"brotli", "application/x-protobuf", "br", protoRequest(), 415, `Content-Encoding "br"`},
		{"too large", "application/x-protobuf", "", make([]byte, 1<<16+1), 413, "body over 65536 bytes"},
		{"gzip bomb", "application/x-protobuf", "gzip", nettest.Gzip(make([]byte, 1<<20)), 413, "too large once decompressed"},
		{"not gzip", "application/json", "gzip", []byte("{}"), 400, "gzip"},
		{"malformed", "application/x-protobuf", "", []byte{0x0a, 0x05}, 400, "OTLP protobuf request"},
	} {
		resp, body := post(t, r.URL(), tc.ct, tc.enc, tc.body)
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %q, want %d with %q", tc.name, resp.StatusCode, body, tc.status, tc.want)
		}
		reqs := r.Requests()
		if last := reqs[len(reqs)-1]; last.Status != tc.status || last.Err == nil || !strings.Contains(last.Err.Error(), tc.want) {
			t.Errorf("%s: request %d, %v", tc.name, last.Status, last.Err)
		}
	}
	if n := len(r.Records()); n != 0 {
		t.Errorf("%d records from refused requests", n)
	}
	// What was accepted is answered with an empty export response of its type.
	resp, body := post(t, r.URL(), "application/json; charset=utf-8", "gzip", nettest.Gzip([]byte(jsonRequestText)))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || body != "{}" || len(r.Records()) != 2 {
		t.Errorf("accepted: %d %q %q, %d records", resp.StatusCode, resp.Header.Get("Content-Type"), body, len(r.Records()))
	}
	if req := r.Requests()[len(r.Requests())-1]; !req.JSON || req.WireBytes >= len(req.Body) || req.Path != "/v1/logs" {
		t.Errorf("request %+v", req)
	}
}

// Respond's answers are given in order, then 200 again; records of a request answered other
// than 2xx are kept in Requests only.
func TestReceiverRespond(t *testing.T) {
	nettest.NoLeak(t)
	defer http.DefaultClient.CloseIdleConnections()
	r := NewReceiver(t, Options{})
	r.Respond(2, Response{Status: 429, RetryAfter: "7"})
	if resp, _ := post(t, r.URL(), "text/plain", "", nil); resp.StatusCode != 415 { // leaves the answers queued
		t.Fatalf("text/plain: %d", resp.StatusCode)
	}
	r.Respond(1, Response{Body: []byte("partial"), ContentType: "application/x-protobuf; x=1"})
	for i, want := range []int{429, 429, 200, 200} {
		resp, body := post(t, r.URL(), "application/x-protobuf", "", protoRequest())
		if resp.StatusCode != want || (want == 429) != (resp.Header.Get("Retry-After") == "7") || (i == 2) != (body == "partial") {
			t.Errorf("request %d: %d %q %q", i, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}
	if n, m := len(r.Requests()), len(r.WaitRecords(4)); n != 5 || m != 4 {
		t.Errorf("%d requests, %d records; want 5 and 4 (2 per accepted request)", n, m)
	}

	// A closed connection is what the client sees of a receiver that died.
	r.Respond(1, Response{CloseConnection: true})
	req, _ := http.NewRequest(http.MethodPost, r.URL(), bytes.NewReader(protoRequest()))
	req.Header.Set("Content-Type", "application/x-protobuf")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("answered %d instead of closing the connection", resp.StatusCode)
	}
	if last := r.WaitRequests(6)[5]; last.Status != 0 || len(last.Records) != 2 {
		t.Errorf("closed: %+v", last)
	}

	// A held answer comes when released.
	release := make(chan struct{})
	r.Respond(1, Response{Hold: release})
	done := make(chan int)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, r.URL(), bytes.NewReader([]byte("{}")))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- -1
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	r.WaitRequests(7)
	select {
	case s := <-done:
		t.Fatalf("answered %d while held", s)
	default:
	}
	close(release)
	if s := <-done; s != 200 {
		t.Fatalf("released: %d", s)
	}
}

// Close abandons an answer held by Delay or Hold, and returns.
func TestReceiverCloseAbandonsHeldAnswers(t *testing.T) {
	nettest.NoLeak(t)
	defer http.DefaultClient.CloseIdleConnections()
	r := NewReceiver(t, Options{})
	r.Respond(1, Response{Delay: time.Hour})
	r.Respond(1, Response{Hold: make(chan struct{})})
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, r.URL(), bytes.NewReader(nil))
			req.Header.Set("Content-Type", "application/x-protobuf")
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			errs <- err
		}()
	}
	r.WaitRequests(2)
	r.Close() // would wait an hour, or forever, if the answers held it
	<-errs
	<-errs
}

// A receiver from Start has no test to fail: WaitRecords returns what arrived at Close.
func TestStartWaitEndsAtClose(t *testing.T) {
	nettest.NoLeak(t)
	r := Start(Options{})
	done := make(chan []Record)
	go func() { done <- r.WaitRecords(1) }()
	r.Close()
	if rs := <-done; len(rs) != 0 {
		t.Fatalf("%d records", len(rs))
	}
}

// Discard answers without keeping anything; TLS serves HTTPS its TLSConfig trusts.
func TestReceiverDiscardAndTLS(t *testing.T) {
	nettest.NoLeak(t)
	r := NewReceiver(t, Options{Discard: true, TLS: true})
	if !strings.HasPrefix(r.URL(), "https://127.0.0.1:") || r.TLSConfig() == nil {
		t.Fatalf("URL %s, TLS config %v", r.URL(), r.TLSConfig())
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: r.TLSConfig()}}
	defer c.CloseIdleConnections()
	resp, err := c.Post(r.URL(), "application/x-protobuf", bytes.NewReader(protoRequest()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(r.Requests()) != 0 || len(r.Records()) != 0 {
		t.Fatalf("%d, %d requests kept", resp.StatusCode, len(r.Requests()))
	}
	if NewReceiver(t, Options{}).TLSConfig() != nil {
		t.Error("TLS config without TLS")
	}
}

// A time of 0 is unknown (zero), and an empty request has no records.
func TestDecodeEdges(t *testing.T) {
	rec := bytes.Join([][]byte{pbFixed64(fRecordTime, 0), pbVarint(fRecordSeverity, 24)}, nil)
	got, err := Decode(pbBytes(fRequestResourceLogs, pbBytes(fResourceLogsScopeLogs, pbBytes(fScopeLogsRecords, rec))), false)
	if err != nil || len(got) != 1 || !got[0].Time.IsZero() || got[0].SeverityNumber != 24 {
		t.Fatalf("%+v, %v", got, err)
	}
	for _, isJSON := range []bool{false, true} {
		body := map[bool][]byte{false: nil, true: []byte("{}")}[isJSON]
		if got, err := Decode(body, isJSON); err != nil || len(got) != 0 {
			t.Errorf("json=%v: empty request: %+v, %v", isJSON, got, err)
		}
	}
}
