package otlp

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink/internal/nettest"
	"google.golang.org/protobuf/encoding/protowire"
)

// The tests decode what the handler sent by hand, with protowire (protobuf) and
// encoding/json (JSON mapping), into the same shape; interop/ decodes with the Collector's own
// receiver and pdata.

type otlpTestRecord struct {
	Time, Observed uint64
	Severity       int64
	SeverityText   string
	Body           any
	Attrs          map[string]any
	AttrOrder      []string
	TraceID        string // hex
	SpanID         string
	Flags          uint32
}

type otlpTestRequest struct {
	Resource map[string]any
	Scope    string
	Records  []otlpTestRecord
}

func otlpDecodeRequest(t testing.TB, body []byte, isJSON bool) otlpTestRequest {
	t.Helper()
	var req otlpTestRequest
	var err error
	if isJSON {
		req, err = otlpDecodeJSONRequest(body)
	} else {
		req, err = otlpDecodeProtoRequest(body)
	}
	if err != nil {
		t.Fatalf("decode request (json=%v): %v\n%q", isJSON, err, body)
	}
	return req
}

// pbEach calls f for every field of message b.
func pbEach(b []byte, f func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		case protowire.Fixed64Type:
			x, n = protowire.ConsumeFixed64(b)
		case protowire.Fixed32Type:
			var y uint32
			y, n = protowire.ConsumeFixed32(b)
			x = uint64(y)
		default:
			return fmt.Errorf("unexpected wire type %d", typ)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if err := f(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}

func otlpDecodeProtoRequest(body []byte) (otlpTestRequest, error) {
	var req otlpTestRequest
	err := pbEach(body, func(num protowire.Number, _ protowire.Type, rl []byte, _ uint64) error {
		if num != 1 {
			return fmt.Errorf("request field %d", num)
		}
		return pbEach(rl, func(num protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
			switch num {
			case 1:
				req.Resource = map[string]any{}
				return pbEach(v, func(num protowire.Number, _ protowire.Type, kv []byte, _ uint64) error {
					k, val, err := pbKV(kv)
					req.Resource[k] = val
					return err
				})
			case 2:
				return pbEach(v, func(num protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
					switch num {
					case 1:
						return pbEach(v, func(num protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
							if num == 1 {
								req.Scope = string(v)
							}
							return nil
						})
					case 2:
						r, err := pbRecord(v)
						req.Records = append(req.Records, r)
						return err
					}
					return fmt.Errorf("scope logs field %d", num)
				})
			}
			return fmt.Errorf("resource logs field %d", num)
		})
	})
	return req, err
}

func pbRecord(b []byte) (otlpTestRecord, error) {
	r := otlpTestRecord{Attrs: map[string]any{}}
	err := pbEach(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		var err error
		switch num {
		case 1:
			r.Time = x
		case 11:
			r.Observed = x
		case 2:
			r.Severity = int64(x)
		case 3:
			r.SeverityText = string(v)
		case 5:
			r.Body, err = pbAny(v)
		case 6:
			var k string
			var val any
			k, val, err = pbKV(v)
			r.Attrs[k] = val
			r.AttrOrder = append(r.AttrOrder, k)
		case 8:
			r.Flags = uint32(x)
		case 9:
			r.TraceID = hex.EncodeToString(v)
		case 10:
			r.SpanID = hex.EncodeToString(v)
		default:
			err = fmt.Errorf("log record field %d", num)
		}
		return err
	})
	return r, err
}

func pbKV(b []byte) (k string, val any, err error) {
	err = pbEach(b, func(num protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
		var err error
		switch num {
		case 1:
			k = string(v)
		case 2:
			val, err = pbAny(v)
		default:
			err = fmt.Errorf("key value field %d", num)
		}
		return err
	})
	return k, val, err
}

// pbAny decodes an AnyValue: string, bool, int64, float64, []any, map[string]any, []byte,
// or nil for an empty one.
func pbAny(b []byte) (val any, err error) {
	err = pbEach(b, func(num protowire.Number, _ protowire.Type, v []byte, x uint64) error {
		switch num {
		case 1:
			val = string(v)
		case 2:
			val = x != 0
		case 3:
			val = int64(x)
		case 4:
			val = math.Float64frombits(x)
		case 5:
			arr := []any{}
			err := pbEach(v, func(_ protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
				e, err := pbAny(v)
				arr = append(arr, e)
				return err
			})
			val = arr
			return err
		case 6:
			m := map[string]any{}
			err := pbEach(v, func(_ protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
				k, e, err := pbKV(v)
				m[k] = e
				return err
			})
			val = m
			return err
		case 7:
			val = append([]byte{}, v...)
		default:
			return fmt.Errorf("any value field %d", num)
		}
		return nil
	})
	return val, err
}

type jsonKV struct {
	Key   string         `json:"key"`
	Value map[string]any `json:"value"`
}

func otlpDecodeJSONRequest(body []byte) (otlpTestRequest, error) {
	var in struct {
		ResourceLogs []struct {
			Resource struct {
				Attributes []jsonKV `json:"attributes"`
			} `json:"resource"`
			ScopeLogs []struct {
				Scope struct {
					Name string `json:"name"`
				} `json:"scope"`
				LogRecords []struct {
					TimeUnixNano         string         `json:"timeUnixNano"`
					ObservedTimeUnixNano string         `json:"observedTimeUnixNano"`
					SeverityNumber       int64          `json:"severityNumber"`
					SeverityText         string         `json:"severityText"`
					Body                 map[string]any `json:"body"`
					Attributes           []jsonKV       `json:"attributes"`
					TraceID              string         `json:"traceId"`
					SpanID               string         `json:"spanId"`
					Flags                uint32         `json:"flags"`
				} `json:"logRecords"`
			} `json:"scopeLogs"`
		} `json:"resourceLogs"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		return otlpTestRequest{}, err
	}
	var req otlpTestRequest
	if len(in.ResourceLogs) != 1 || len(in.ResourceLogs[0].ScopeLogs) != 1 {
		return req, fmt.Errorf("want one ResourceLogs with one ScopeLogs")
	}
	rl := in.ResourceLogs[0]
	req.Resource = map[string]any{}
	for _, kv := range rl.Resource.Attributes {
		v, err := jsonAny(kv.Value)
		if err != nil {
			return req, err
		}
		req.Resource[kv.Key] = v
	}
	req.Scope = rl.ScopeLogs[0].Scope.Name
	for _, lr := range rl.ScopeLogs[0].LogRecords {
		r := otlpTestRecord{Attrs: map[string]any{}, Severity: lr.SeverityNumber, SeverityText: lr.SeverityText,
			TraceID: lr.TraceID, SpanID: lr.SpanID, Flags: lr.Flags}
		if lr.TimeUnixNano != "" {
			r.Time, _ = strconv.ParseUint(lr.TimeUnixNano, 10, 64)
		}
		r.Observed, _ = strconv.ParseUint(lr.ObservedTimeUnixNano, 10, 64)
		var err error
		if r.Body, err = jsonAny(lr.Body); err != nil {
			return req, err
		}
		for _, kv := range lr.Attributes {
			if r.Attrs[kv.Key], err = jsonAny(kv.Value); err != nil {
				return req, err
			}
			r.AttrOrder = append(r.AttrOrder, kv.Key)
		}
		req.Records = append(req.Records, r)
	}
	return req, nil
}

func jsonAny(m map[string]any) (any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	if len(m) != 1 {
		return nil, fmt.Errorf("any value with %d fields: %v", len(m), m)
	}
	for k, v := range m {
		switch k {
		case "stringValue":
			return v.(string), nil
		case "boolValue":
			return v.(bool), nil
		case "intValue":
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("intValue %v is not a string", v)
			}
			return strconv.ParseInt(s, 10, 64)
		case "doubleValue":
			switch x := v.(type) {
			case json.Number:
				return x.Float64()
			case string:
				switch x {
				case "NaN":
					return math.NaN(), nil
				case "Infinity":
					return math.Inf(1), nil
				case "-Infinity":
					return math.Inf(-1), nil
				}
			}
			return nil, fmt.Errorf("doubleValue %v", v)
		case "bytesValue":
			return base64.StdEncoding.DecodeString(v.(string))
		case "arrayValue", "kvlistValue":
			vals, _ := v.(map[string]any)["values"].([]any)
			var arr []any
			obj := map[string]any{}
			for _, e := range vals {
				e := e.(map[string]any)
				if k == "arrayValue" {
					x, err := jsonAny(e)
					if err != nil {
						return nil, err
					}
					arr = append(arr, x)
					continue
				}
				inner, _ := e["value"].(map[string]any)
				x, err := jsonAny(inner)
				if err != nil {
					return nil, err
				}
				obj[e["key"].(string)] = x
			}
			if k == "arrayValue" {
				if arr == nil {
					arr = []any{}
				}
				return arr, nil
			}
			return obj, nil
		}
		return nil, fmt.Errorf("unknown any value %q", k)
	}
	return nil, nil
}

// otlpTestReq is one request the test server received, its body gunzipped.
type otlpTestReq struct {
	Header http.Header
	Path   string
	Body   []byte
	Raw    int // body length on the wire
}

// otlpTestServer records requests and answers with the queued responses (200 with an empty
// protobuf body once they run out).
type otlpTestServer struct {
	*httptest.Server
	Reqs chan otlpTestReq

	mu        sync.Mutex
	responses []func(w http.ResponseWriter)
}

// newOTLPTestServer also checks, for a test, that nothing is left running after the cleanups
// registered after it (the handler's).
func newOTLPTestServer(t testing.TB) *otlpTestServer {
	if tt, ok := t.(*testing.T); ok {
		nettest.NoLeak(tt)
	}
	ts := &otlpTestServer{Reqs: make(chan otlpTestReq, 10000)}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		body := raw
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			body, _ = io.ReadAll(zr)
		}
		ts.mu.Lock()
		var respond func(w http.ResponseWriter)
		if len(ts.responses) > 0 {
			respond, ts.responses = ts.responses[0], ts.responses[1:]
		}
		ts.mu.Unlock()
		select {
		case ts.Reqs <- otlpTestReq{Header: r.Header.Clone(), Path: r.URL.Path, Body: body, Raw: len(raw)}:
		default: // a benchmark's: nobody reads them
		}
		if respond != nil {
			respond(w)
			return
		}
		w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
		w.WriteHeader(200)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *otlpTestServer) respond(fs ...func(w http.ResponseWriter)) {
	ts.mu.Lock()
	ts.responses = append(ts.responses, fs...)
	ts.mu.Unlock()
}

func (ts *otlpTestServer) next(t testing.TB) otlpTestReq {
	t.Helper()
	select {
	case r := <-ts.Reqs:
		return r
	case <-timeAfter10s():
		t.Fatal("no request in 10 s")
	}
	return otlpTestReq{}
}

func (ts *otlpTestServer) none(t testing.TB) {
	t.Helper()
	select {
	case r := <-ts.Reqs:
		t.Fatalf("unexpected request: %q", r.Body)
	default:
	}
}

func timeAfter10s() <-chan time.Time { return time.After(10 * time.Second) }
