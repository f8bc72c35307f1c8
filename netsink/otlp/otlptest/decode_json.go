package otlptest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// The OTLP/JSON mapping: protobuf's JSON mapping with lowerCamelCase names, 64-bit integers
// as strings or numbers, trace and span ids as hex, bytes as base64. Unknown fields are
// ignored, as the specification asks of receivers.

type jsonKV struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

type jsonRequest struct {
	ResourceLogs []struct {
		Resource struct {
			Attributes []jsonKV `json:"attributes"`
		} `json:"resource"`
		ScopeLogs []struct {
			Scope struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			} `json:"scope"`
			LogRecords []struct {
				TimeUnixNano         json.RawMessage `json:"timeUnixNano"`
				ObservedTimeUnixNano json.RawMessage `json:"observedTimeUnixNano"`
				SeverityNumber       json.RawMessage `json:"severityNumber"`
				SeverityText         string          `json:"severityText"`
				Body                 json.RawMessage `json:"body"`
				Attributes           []jsonKV        `json:"attributes"`
				Flags                json.RawMessage `json:"flags"`
				TraceID              string          `json:"traceId"`
				SpanID               string          `json:"spanId"`
				EventName            string          `json:"eventName"`
			} `json:"logRecords"`
		} `json:"scopeLogs"`
	} `json:"resourceLogs"`
}

// decodeJSON decodes an ExportLogsServiceRequest in the OTLP/JSON mapping.
func decodeJSON(body []byte) ([]Record, error) {
	var in jsonRequest
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, err
	}
	var recs []Record
	for _, rl := range in.ResourceLogs {
		res := map[string]any{}
		if _, err := jsonKVs(rl.Resource.Attributes, res, nil, 0); err != nil {
			return nil, fmt.Errorf("resource: %w", err)
		}
		for _, sl := range rl.ScopeLogs {
			for i, lr := range sl.LogRecords {
				r := Record{Attributes: map[string]any{}, Resource: res, Scope: sl.Scope.Name, ScopeVersion: sl.Scope.Version,
					SeverityText: lr.SeverityText, EventName: lr.EventName}
				err := func() error {
					ns, err := jsonUint(lr.TimeUnixNano, 64)
					if err != nil {
						return fmt.Errorf("timeUnixNano: %w", err)
					}
					r.Time = unixNano(ns)
					if ns, err = jsonUint(lr.ObservedTimeUnixNano, 64); err != nil {
						return fmt.Errorf("observedTimeUnixNano: %w", err)
					}
					r.ObservedTime = unixNano(ns)
					sev, err := jsonUint(lr.SeverityNumber, 31)
					if err != nil {
						return fmt.Errorf("severityNumber: %w", err)
					}
					r.SeverityNumber = int(sev)
					flags, err := jsonUint(lr.Flags, 32)
					if err != nil {
						return fmt.Errorf("flags: %w", err)
					}
					r.Flags = uint32(flags)
					if r.TraceID, err = jsonID(lr.TraceID, 16); err != nil {
						return fmt.Errorf("traceId: %w", err)
					}
					if r.SpanID, err = jsonID(lr.SpanID, 8); err != nil {
						return fmt.Errorf("spanId: %w", err)
					}
					if r.Body, err = jsonAny(lr.Body, 0); err != nil {
						return fmt.Errorf("body: %w", err)
					}
					r.AttributeKeys, err = jsonKVs(lr.Attributes, r.Attributes, nil, 0)
					return err
				}()
				if err != nil {
					return nil, fmt.Errorf("log record %d: %w", i, err)
				}
				recs = append(recs, r)
			}
		}
	}
	return recs, nil
}

// jsonUint reads an unsigned integer of at most bits bits, sent as a number or a string;
// absent is 0.
func jsonUint(raw json.RawMessage, bits int) (uint64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	s := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
	}
	return strconv.ParseUint(s, 10, bits)
}

// jsonID checks a hex trace or span id of n bytes; empty is absent.
func jsonID(s string, n int) (string, error) {
	if s == "" {
		return "", nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return "", err
	}
	if len(b) != n {
		return "", fmt.Errorf("%d bytes, want %d", len(b), n)
	}
	return hex.EncodeToString(b), nil
}

func jsonKVs(kvs []jsonKV, m map[string]any, keys []string, depth int) ([]string, error) {
	for _, kv := range kvs {
		v, err := jsonAny(kv.Value, depth)
		if err != nil {
			return keys, fmt.Errorf("%.64q: %w", kv.Key, err)
		}
		m[kv.Key] = v
		keys = append(keys, kv.Key)
	}
	return keys, nil
}

// jsonAny decodes an AnyValue found at nesting depth depth: an object with one of
// stringValue, boolValue, intValue, doubleValue, bytesValue, arrayValue, kvlistValue, or
// none (an empty value, nil).
func jsonAny(raw json.RawMessage, depth int) (any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if len(m) > 1 {
		return nil, fmt.Errorf("a value with %d fields, want one", len(m))
	}
	for k, v := range m {
		switch k {
		case "stringValue":
			var s string
			err := json.Unmarshal(v, &s)
			return s, err
		case "boolValue":
			var b bool
			err := json.Unmarshal(v, &b)
			return b, err
		case "intValue":
			s := string(v)
			if len(v) > 0 && v[0] == '"' {
				if err := json.Unmarshal(v, &s); err != nil {
					return nil, err
				}
			}
			return strconv.ParseInt(s, 10, 64)
		case "doubleValue":
			return jsonDouble(v)
		case "bytesValue":
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, err
			}
			return base64.StdEncoding.DecodeString(s)
		case "arrayValue", "kvlistValue":
			if depth >= MaxDepth {
				return nil, fmt.Errorf("a value nested deeper than %d", MaxDepth)
			}
			if k == "arrayValue" {
				var list struct {
					Values []json.RawMessage `json:"values"`
				}
				if err := json.Unmarshal(v, &list); err != nil {
					return nil, err
				}
				arr := make([]any, 0, len(list.Values))
				for _, e := range list.Values {
					x, err := jsonAny(e, depth+1)
					if err != nil {
						return nil, err
					}
					arr = append(arr, x)
				}
				return arr, nil
			}
			var list struct {
				Values []jsonKV `json:"values"`
			}
			if err := json.Unmarshal(v, &list); err != nil {
				return nil, err
			}
			obj := map[string]any{}
			_, err := jsonKVs(list.Values, obj, nil, depth+1)
			return obj, err
		}
		return nil, fmt.Errorf("unknown value field %.32q", k)
	}
	return nil, nil
}

// jsonDouble reads a number, or the strings protobuf's JSON mapping uses for what JSON
// numbers cannot say.
func jsonDouble(v json.RawMessage) (float64, error) {
	if len(v) > 0 && v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return 0, err
		}
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		return strconv.ParseFloat(s, 64)
	}
	var n json.Number
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	if err := d.Decode(&n); err != nil {
		return 0, err
	}
	return n.Float64()
}
