package otlptest

import (
	"encoding/hex"
	"fmt"
	"math"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

// MaxDepth bounds the nesting of array and key-value-list values Decode accepts.
const MaxDepth = 64

// Field numbers, from opentelemetry-proto (collector/logs/v1/logs_service.proto,
// logs/v1/logs.proto, common/v1/common.proto, resource/v1/resource.proto).
const (
	fRequestResourceLogs = 1 // ExportLogsServiceRequest

	fResourceLogsResource  = 1 // ResourceLogs
	fResourceLogsScopeLogs = 2

	fResourceAttributes = 1 // Resource

	fScopeLogsScope   = 1 // ScopeLogs
	fScopeLogsRecords = 2

	fScopeName    = 1 // InstrumentationScope
	fScopeVersion = 2

	fRecordTime         = 1 // LogRecord
	fRecordSeverity     = 2
	fRecordSeverityText = 3
	fRecordBody         = 5
	fRecordAttributes   = 6
	fRecordFlags        = 8
	fRecordTraceID      = 9
	fRecordSpanID       = 10
	fRecordObserved     = 11
	fRecordEventName    = 12

	fValueString = 1 // AnyValue
	fValueBool   = 2
	fValueInt    = 3
	fValueDouble = 4
	fValueArray  = 5
	fValueKVList = 6
	fValueBytes  = 7

	fKVKey   = 1 // KeyValue
	fKVValue = 2

	fListValues = 1 // ArrayValue, KeyValueList
)

// field is one field of a message: its number, wire type, and payload (v for
// length-delimited fields, x for the others).
type field struct {
	num protowire.Number
	typ protowire.Type
	v   []byte
	x   uint64
}

// fields calls f for every field of message b, refusing groups and truncated fields.
func fields(b []byte, f func(fd field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		fd := field{num: num, typ: typ}
		switch typ {
		case protowire.BytesType:
			fd.v, n = protowire.ConsumeBytes(b)
		case protowire.VarintType:
			fd.x, n = protowire.ConsumeVarint(b)
		case protowire.Fixed64Type:
			fd.x, n = protowire.ConsumeFixed64(b)
		case protowire.Fixed32Type:
			var y uint32
			y, n = protowire.ConsumeFixed32(b)
			fd.x = uint64(y)
		default:
			return fmt.Errorf("field %d: wire type %d", num, typ)
		}
		if n < 0 {
			return fmt.Errorf("field %d: %w", num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := f(fd); err != nil {
			return err
		}
	}
	return nil
}

// want checks that a known field has the wire type the schema gives it: a mismatch is a
// malformed message, not an unknown field.
func (fd field) want(t protowire.Type, name string) error {
	if fd.typ != t {
		return fmt.Errorf("%s (field %d): wire type %d, want %d", name, fd.num, fd.typ, t)
	}
	return nil
}

// decodeProto decodes an ExportLogsServiceRequest. Unknown fields are skipped.
func decodeProto(b []byte) ([]Record, error) {
	var recs []Record
	err := fields(b, func(fd field) error {
		if fd.num != fRequestResourceLogs {
			return nil
		}
		if err := fd.want(protowire.BytesType, "resource_logs"); err != nil {
			return err
		}
		var err error
		recs, err = protoResourceLogs(fd.v, recs)
		return err
	})
	return recs, err
}

func protoResourceLogs(b []byte, recs []Record) ([]Record, error) {
	res := map[string]any{}
	first := len(recs)
	err := fields(b, func(fd field) error {
		switch fd.num {
		case fResourceLogsResource:
			if err := fd.want(protowire.BytesType, "resource"); err != nil {
				return err
			}
			return fields(fd.v, func(fd field) error {
				if fd.num != fResourceAttributes {
					return nil
				}
				_, err := protoKV(fd, res, nil, 0)
				return err
			})
		case fResourceLogsScopeLogs:
			if err := fd.want(protowire.BytesType, "scope_logs"); err != nil {
				return err
			}
			var err error
			recs, err = protoScopeLogs(fd.v, recs)
			return err
		}
		return nil
	})
	// The resource may follow the scope logs on the wire: set it once all was read.
	for i := first; i < len(recs); i++ {
		recs[i].Resource = res
	}
	return recs, err
}

func protoScopeLogs(b []byte, recs []Record) ([]Record, error) {
	var name, version string
	first := len(recs)
	err := fields(b, func(fd field) error {
		switch fd.num {
		case fScopeLogsScope:
			if err := fd.want(protowire.BytesType, "scope"); err != nil {
				return err
			}
			return fields(fd.v, func(fd field) error {
				switch fd.num {
				case fScopeName:
					name = string(fd.v)
					return fd.want(protowire.BytesType, "scope name")
				case fScopeVersion:
					version = string(fd.v)
					return fd.want(protowire.BytesType, "scope version")
				}
				return nil
			})
		case fScopeLogsRecords:
			if err := fd.want(protowire.BytesType, "log_records"); err != nil {
				return err
			}
			r, err := protoRecord(fd.v)
			if err != nil {
				return fmt.Errorf("log record %d: %w", len(recs)-first, err)
			}
			recs = append(recs, r)
		}
		return nil
	})
	for i := first; i < len(recs); i++ {
		recs[i].Scope, recs[i].ScopeVersion = name, version
	}
	return recs, err
}

func protoRecord(b []byte) (Record, error) {
	r := Record{Attributes: map[string]any{}}
	err := fields(b, func(fd field) error {
		var err error
		switch fd.num {
		case fRecordTime:
			r.Time = unixNano(fd.x)
			err = fd.want(protowire.Fixed64Type, "time_unix_nano")
		case fRecordObserved:
			r.ObservedTime = unixNano(fd.x)
			err = fd.want(protowire.Fixed64Type, "observed_time_unix_nano")
		case fRecordSeverity:
			r.SeverityNumber = int(int32(fd.x))
			err = fd.want(protowire.VarintType, "severity_number")
		case fRecordSeverityText:
			r.SeverityText = string(fd.v)
			err = fd.want(protowire.BytesType, "severity_text")
		case fRecordBody:
			if err = fd.want(protowire.BytesType, "body"); err == nil {
				r.Body, err = protoAny(fd.v, 0)
			}
		case fRecordAttributes:
			r.AttributeKeys, err = protoKV(fd, r.Attributes, r.AttributeKeys, 0)
		case fRecordFlags:
			r.Flags = uint32(fd.x)
			err = fd.want(protowire.Fixed32Type, "flags")
		case fRecordTraceID:
			r.TraceID, err = protoID(fd, 16, "trace_id")
		case fRecordSpanID:
			r.SpanID, err = protoID(fd, 8, "span_id")
		case fRecordEventName:
			r.EventName = string(fd.v)
			err = fd.want(protowire.BytesType, "event_name")
		}
		return err
	})
	return r, err
}

// protoID returns the hex of a trace or span id of n bytes; empty is absent.
func protoID(fd field, n int, name string) (string, error) {
	if err := fd.want(protowire.BytesType, name); err != nil {
		return "", err
	}
	if len(fd.v) != 0 && len(fd.v) != n {
		return "", fmt.Errorf("%s of %d bytes, want %d", name, len(fd.v), n)
	}
	return hex.EncodeToString(fd.v), nil
}

func unixNano(ns uint64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(ns))
}

// protoKV decodes the KeyValue fd into m and appends its key to keys.
func protoKV(fd field, m map[string]any, keys []string, depth int) ([]string, error) {
	if err := fd.want(protowire.BytesType, "key value"); err != nil {
		return keys, err
	}
	var k string
	var v any
	err := fields(fd.v, func(fd field) error {
		var err error
		switch fd.num {
		case fKVKey:
			k = string(fd.v)
			err = fd.want(protowire.BytesType, "key")
		case fKVValue:
			if err = fd.want(protowire.BytesType, "value"); err == nil {
				v, err = protoAny(fd.v, depth)
			}
		}
		return err
	})
	if err != nil {
		return keys, err
	}
	m[k] = v
	return append(keys, k), nil
}

// protoAny decodes an AnyValue found at nesting depth depth.
func protoAny(b []byte, depth int) (any, error) {
	var v any
	err := fields(b, func(fd field) error {
		switch fd.num {
		case fValueString:
			v = string(fd.v)
			return fd.want(protowire.BytesType, "string_value")
		case fValueBool:
			v = fd.x != 0
			return fd.want(protowire.VarintType, "bool_value")
		case fValueInt:
			v = int64(fd.x)
			return fd.want(protowire.VarintType, "int_value")
		case fValueDouble:
			v = math.Float64frombits(fd.x)
			return fd.want(protowire.Fixed64Type, "double_value")
		case fValueBytes:
			v = append([]byte{}, fd.v...)
			return fd.want(protowire.BytesType, "bytes_value")
		case fValueArray, fValueKVList:
			if err := fd.want(protowire.BytesType, "array or kvlist value"); err != nil {
				return err
			}
			if depth >= MaxDepth {
				return fmt.Errorf("a value nested deeper than %d", MaxDepth)
			}
			if fd.num == fValueArray {
				arr := []any{}
				err := fields(fd.v, func(e field) error {
					if e.num != fListValues {
						return nil
					}
					if err := e.want(protowire.BytesType, "array values"); err != nil {
						return err
					}
					x, err := protoAny(e.v, depth+1)
					arr = append(arr, x)
					return err
				})
				v = arr
				return err
			}
			m := map[string]any{}
			err := fields(fd.v, func(e field) error {
				if e.num != fListValues {
					return nil
				}
				_, err := protoKV(e, m, nil, depth+1)
				return err
			})
			v = m
			return err
		}
		return nil
	})
	return v, err
}
