package otlp

import (
	"encoding/binary"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of the OTLP messages this package writes and reads, from opentelemetry-proto
// (collector/logs/v1/logs_service.proto, logs/v1/logs.proto, common/v1/common.proto,
// resource/v1/resource.proto). Field numbers never change within a major version of OTLP.
const (
	// ExportLogsServiceRequest
	otlpRequestResourceLogs protowire.Number = 1
	// ResourceLogs
	otlpResourceLogsResource  protowire.Number = 1
	otlpResourceLogsScopeLogs protowire.Number = 2
	// Resource
	otlpResourceAttributes protowire.Number = 1
	// ScopeLogs
	otlpScopeLogsScope      protowire.Number = 1
	otlpScopeLogsLogRecords protowire.Number = 2
	// InstrumentationScope
	otlpScopeName protowire.Number = 1

	// LogRecord
	otlpRecordTime         protowire.Number = 1  // fixed64
	otlpRecordSeverity     protowire.Number = 2  // enum SeverityNumber
	otlpRecordSeverityText protowire.Number = 3  // string
	otlpRecordBody         protowire.Number = 5  // AnyValue
	otlpRecordAttributes   protowire.Number = 6  // repeated KeyValue
	otlpRecordFlags        protowire.Number = 8  // fixed32
	otlpRecordTraceID      protowire.Number = 9  // bytes, 16
	otlpRecordSpanID       protowire.Number = 10 // bytes, 8
	otlpRecordObserved     protowire.Number = 11 // fixed64

	// AnyValue (a oneof)
	otlpValueString protowire.Number = 1
	otlpValueBool   protowire.Number = 2
	otlpValueInt    protowire.Number = 3
	otlpValueDouble protowire.Number = 4
	otlpValueArray  protowire.Number = 5
	otlpValueKVList protowire.Number = 6
	otlpValueBytes  protowire.Number = 7

	// KeyValue
	otlpKVKey   protowire.Number = 1
	otlpKVValue protowire.Number = 2
	// ArrayValue and KeyValueList
	otlpListValues protowire.Number = 1

	// ExportLogsServiceResponse
	otlpResponsePartialSuccess protowire.Number = 1
	// ExportLogsPartialSuccess
	otlpPartialRejected protowire.Number = 1 // int64
	otlpPartialMessage  protowire.Number = 2 // string
	// google.rpc.Status, the body of an error response
	otlpStatusMessage protowire.Number = 2
)

// pbTag appends the tag of field f: one byte, since every field written here is below 16
// (protowire.AppendTag is not inlined, and a record has dozens of tags).
func pbTag(b []byte, f protowire.Number, t protowire.Type) []byte {
	return append(b, byte(f)<<3|byte(t))
}

// pbLen appends a length, one byte for the short ones most are.
func pbLen(b []byte, n int) []byte {
	if n < 0x80 {
		return append(b, byte(n))
	}
	return protowire.AppendVarint(b, uint64(n))
}

// pbOpen appends the tag of the embedded message field f and one byte for its length, and
// returns where the message starts, for pbClose. Most messages of a record (an attribute, its
// value) are shorter than 128 bytes, so one byte is right; pbClose moves longer ones.
func pbOpen(b []byte, f protowire.Number) ([]byte, int) {
	b = append(b, byte(f)<<3|byte(protowire.BytesType), 0)
	return b, len(b)
}

// pbClose writes the length of the message begun at at, moving it to make room when the
// length takes more than the one byte pbOpen left (the encoding stays canonical).
func pbClose(b []byte, at int) []byte {
	n := len(b) - at
	if n < 0x80 {
		b[at-1] = byte(n)
		return b
	}
	extra := protowire.SizeVarint(uint64(n)) - 1
	b = append(b, make([]byte, extra)...)
	copy(b[at+extra:], b[at:at+n])
	protowire.AppendVarint(b[:at-1], uint64(n))
	return b
}

// pbString appends the string field f. proto3 string fields must hold UTF-8, and strict
// decoders (Go's proto.Unmarshal, python3-protobuf, the Collector's receiver) refuse the whole
// request when one does not: each byte of s that is not part of valid UTF-8 is written as
// U+FFFD, as OTLP JSON (and encoding/json) writes it, so one bad string loses nothing else.
func pbString(b []byte, f protowire.Number, s string) []byte {
	b = pbTag(b, f, protowire.BytesType)
	if utf8.ValidString(s) {
		return append(pbLen(b, len(s)), s...)
	}
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			n += len("\uFFFD") - 1 // three bytes for the one replaced
		}
		i += size
	}
	b = pbLen(b, len(s)+n)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// pbBytes appends the bytes field f.
func pbBytes(b []byte, f protowire.Number, p []byte) []byte {
	return append(pbLen(pbTag(b, f, protowire.BytesType), len(p)), p...)
}

// pbVarint appends the varint field f.
func pbVarint(b []byte, f protowire.Number, v uint64) []byte {
	b = pbTag(b, f, protowire.VarintType)
	if v < 0x80 {
		return append(b, byte(v))
	}
	return protowire.AppendVarint(b, v)
}

// pbFixed64 appends the fixed64 (or double) field f.
func pbFixed64(b []byte, f protowire.Number, v uint64) []byte {
	return binary.LittleEndian.AppendUint64(pbTag(b, f, protowire.Fixed64Type), v)
}

// pbFixed32 appends the fixed32 field f.
func pbFixed32(b []byte, f protowire.Number, v uint32) []byte {
	return binary.LittleEndian.AppendUint32(pbTag(b, f, protowire.Fixed32Type), v)
}
