package otlptest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// The OTLP/JSON mapping: protobuf's JSON mapping with lowerCamelCase names, 64-bit integers
// as strings or numbers, trace and span ids as hex, bytes as base64. Unknown fields are
// ignored, as the specification asks of receivers; a known field of the wrong JSON type is
// an error. The body is parsed once into a generic tree (encoding/json bounds its nesting)
// and walked, so decoding costs time linear in the body whatever its nesting.

type (
	jsonObject = map[string]any
	jsonArray  = []any
)

// decodeJSON decodes an ExportLogsServiceRequest in the OTLP/JSON mapping.
func decodeJSON(body []byte) ([]Record, error) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var root any
	if err := d.Decode(&root); err != nil {
		return nil, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the request")
	}
	req, err := jsonGet[jsonObject](root, "request")
	if err != nil {
		return nil, err
	}
	rls, err := jsonField[jsonArray](req, "resourceLogs")
	if err != nil {
		return nil, err
	}
	var recs []Record
	for i, rl := range rls {
		if recs, err = jsonResourceLogs(rl, recs); err != nil {
			return nil, fmt.Errorf("resourceLogs[%d]: %w", i, err)
		}
	}
	return recs, nil
}

// jsonGet returns v as a T; name says what v is in the error.
func jsonGet[T any](v any, name string) (T, error) {
	t, ok := v.(T)
	if !ok {
		var zero T
		return zero, fmt.Errorf("%s: %s, want %s", name, jsonKind(v), jsonKind(zero))
	}
	return t, nil
}

// jsonField returns field name of o as a T; absent (or null) is T's zero value.
func jsonField[T any](o jsonObject, name string) (T, error) {
	v, ok := o[name]
	if !ok || v == nil {
		var zero T
		return zero, nil
	}
	return jsonGet[T](v, name)
}

func jsonKind(v any) string {
	switch v.(type) {
	case jsonObject:
		return "object"
	case jsonArray:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func jsonResourceLogs(v any, recs []Record) ([]Record, error) {
	rl, err := jsonGet[jsonObject](v, "resourceLogs")
	if err != nil {
		return nil, err
	}
	resource, err := jsonField[jsonObject](rl, "resource")
	if err != nil {
		return nil, err
	}
	res := map[string]any{}
	if _, err := jsonAttributes(resource, res, nil, 0); err != nil {
		return nil, fmt.Errorf("resource: %w", err)
	}
	sls, err := jsonField[jsonArray](rl, "scopeLogs")
	if err != nil {
		return nil, err
	}
	for i, v := range sls {
		sl, err := jsonGet[jsonObject](v, "scopeLogs")
		if err != nil {
			return nil, err
		}
		scope, err := jsonField[jsonObject](sl, "scope")
		if err != nil {
			return nil, err
		}
		name, err := jsonField[string](scope, "name")
		if err != nil {
			return nil, err
		}
		version, err := jsonField[string](scope, "version")
		if err != nil {
			return nil, err
		}
		lrs, err := jsonField[jsonArray](sl, "logRecords")
		if err != nil {
			return nil, err
		}
		for j, v := range lrs {
			r, err := jsonRecord(v)
			if err != nil {
				return nil, fmt.Errorf("scopeLogs[%d].logRecords[%d]: %w", i, j, err)
			}
			r.Resource, r.Scope, r.ScopeVersion = res, name, version
			recs = append(recs, r)
		}
	}
	return recs, nil
}

func jsonRecord(v any) (Record, error) {
	r := Record{Attributes: map[string]any{}}
	lr, err := jsonGet[jsonObject](v, "logRecord")
	if err != nil {
		return r, err
	}
	ns, err := jsonUint(lr, "timeUnixNano", 64)
	if err != nil {
		return r, err
	}
	r.Time = unixNano(ns)
	if ns, err = jsonUint(lr, "observedTimeUnixNano", 64); err != nil {
		return r, err
	}
	r.ObservedTime = unixNano(ns)
	sev, err := jsonUint(lr, "severityNumber", 31)
	if err != nil {
		return r, err
	}
	r.SeverityNumber = int(sev)
	flags, err := jsonUint(lr, "flags", 32)
	if err != nil {
		return r, err
	}
	r.Flags = uint32(flags)
	if r.SeverityText, err = jsonField[string](lr, "severityText"); err != nil {
		return r, err
	}
	if r.EventName, err = jsonField[string](lr, "eventName"); err != nil {
		return r, err
	}
	if r.TraceID, err = jsonID(lr, "traceId", 16); err != nil {
		return r, err
	}
	if r.SpanID, err = jsonID(lr, "spanId", 8); err != nil {
		return r, err
	}
	if r.Body, err = jsonAny(lr["body"], 0); err != nil {
		return r, fmt.Errorf("body: %w", err)
	}
	r.AttributeKeys, err = jsonAttributes(lr, r.Attributes, nil, 0)
	return r, err
}

// jsonUint reads an unsigned integer of at most bits bits, sent as a number or a string;
// absent is 0.
func jsonUint(o jsonObject, name string, bits int) (uint64, error) {
	var s string
	switch v := o[name].(type) {
	case nil:
		return 0, nil
	case json.Number:
		s = string(v)
	case string:
		s = v
	default:
		return 0, fmt.Errorf("%s: %s, want a number", name, jsonKind(v))
	}
	n, err := strconv.ParseUint(s, 10, bits)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return n, nil
}

// jsonID checks a hex trace or span id of n bytes; empty is absent.
func jsonID(o jsonObject, name string, n int) (string, error) {
	s, err := jsonField[string](o, name)
	if err != nil || s == "" {
		return "", err
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	if len(b) != n {
		return "", fmt.Errorf("%s of %d bytes, want %d", name, len(b), n)
	}
	return hex.EncodeToString(b), nil
}

// jsonAttributes decodes the key-value list o["attributes"] into m and appends its keys to
// keys.
func jsonAttributes(o jsonObject, m map[string]any, keys []string, depth int) ([]string, error) {
	kvs, err := jsonField[jsonArray](o, "attributes")
	if err != nil {
		return keys, err
	}
	return jsonKVs(kvs, m, keys, depth)
}

func jsonKVs(kvs jsonArray, m map[string]any, keys []string, depth int) ([]string, error) {
	for _, v := range kvs {
		kv, err := jsonGet[jsonObject](v, "key value")
		if err != nil {
			return keys, err
		}
		k, err := jsonField[string](kv, "key")
		if err != nil {
			return keys, err
		}
		x, err := jsonAny(kv["value"], depth)
		if err != nil {
			return keys, fmt.Errorf("%.64q: %w", k, err)
		}
		m[k] = x
		keys = append(keys, k)
	}
	return keys, nil
}

// jsonAny decodes an AnyValue found at nesting depth depth: an object with one of
// stringValue, boolValue, intValue, doubleValue, bytesValue, arrayValue, kvlistValue, or
// none (an empty value, nil).
func jsonAny(v any, depth int) (any, error) {
	if v == nil {
		return nil, nil
	}
	o, err := jsonGet[jsonObject](v, "value")
	if err != nil {
		return nil, err
	}
	if len(o) > 1 {
		return nil, fmt.Errorf("a value with %d fields, want one", len(o))
	}
	for k, x := range o {
		switch k {
		case "stringValue":
			return jsonGet[string](x, k)
		case "boolValue":
			return jsonGet[bool](x, k)
		case "intValue":
			var s string
			switch n := x.(type) {
			case json.Number:
				s = string(n)
			case string:
				s = n
			default:
				return nil, fmt.Errorf("intValue: %s, want a number", jsonKind(x))
			}
			return strconv.ParseInt(s, 10, 64)
		case "doubleValue":
			return jsonDouble(x)
		case "bytesValue":
			s, err := jsonGet[string](x, k)
			if err != nil {
				return nil, err
			}
			return base64.StdEncoding.DecodeString(s)
		case "arrayValue", "kvlistValue":
			if depth >= MaxDepth {
				return nil, fmt.Errorf("a value nested deeper than %d", MaxDepth)
			}
			list, err := jsonGet[jsonObject](x, k)
			if err != nil {
				return nil, err
			}
			values, err := jsonField[jsonArray](list, "values")
			if err != nil {
				return nil, err
			}
			if k == "kvlistValue" {
				obj := map[string]any{}
				_, err := jsonKVs(values, obj, nil, depth+1)
				return obj, err
			}
			arr := make([]any, 0, len(values))
			for _, e := range values {
				y, err := jsonAny(e, depth+1)
				if err != nil {
					return nil, err
				}
				arr = append(arr, y)
			}
			return arr, nil
		}
		return nil, fmt.Errorf("unknown value field %.32q", k)
	}
	return nil, nil
}

// jsonDouble reads a number, or the strings protobuf's JSON mapping uses for what JSON
// numbers cannot say.
func jsonDouble(v any) (float64, error) {
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
		return strconv.ParseFloat(x, 64)
	}
	return 0, fmt.Errorf("doubleValue: %s, want a number", jsonKind(v))
}
