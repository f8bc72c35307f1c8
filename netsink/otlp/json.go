package otlp

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// OTLP's JSON mapping (opentelemetry-proto's "JSON Protobuf Encoding"): proto3's JSON with
// camelCase field names, 64-bit integers as decimal strings, enums as integers, and trace and
// span ids as hex rather than base64.

const otlpHex = "0123456789abcdef"

func appendHex(b []byte, p []byte) []byte {
	for _, c := range p {
		b = append(b, otlpHex[c>>4], otlpHex[c&0xf])
	}
	return b
}

func appendUint(b []byte, u uint64) []byte { return strconv.AppendUint(b, u, 10) }
func appendInt(b []byte, n int64) []byte   { return strconv.AppendInt(b, n, 10) }

// appendJSONDouble writes f as proto3 JSON does: a number, or one of the strings "NaN",
// "Infinity" and "-Infinity".
func appendJSONDouble(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Infinity"`...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// otlpJSONResponse is ExportLogsServiceResponse in the JSON mapping, and the google.rpc.Status
// of an error response (its message).
type otlpJSONResponse struct {
	PartialSuccess *struct {
		RejectedLogRecords json.RawMessage `json:"rejectedLogRecords"` // "12" or 12
		ErrorMessage       string          `json:"errorMessage"`
	} `json:"partialSuccess"`
	Message string `json:"message"`
}

// otlpDecodeJSONResponse reads a JSON ExportLogsServiceResponse.
func otlpDecodeJSONResponse(body []byte) (rejected int64, msg string, err error) {
	var r otlpJSONResponse
	if len(strings.TrimSpace(string(body))) == 0 {
		return 0, "", nil
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, "", err
	}
	if r.PartialSuccess == nil {
		return 0, "", nil
	}
	if raw := strings.Trim(string(r.PartialSuccess.RejectedLogRecords), `"`); raw != "" && raw != "null" {
		if rejected, err = strconv.ParseInt(raw, 10, 64); err != nil {
			return 0, "", err
		}
		if rejected < 0 {
			return 0, "", fmt.Errorf("negative rejectedLogRecords %d", rejected)
		}
	}
	return rejected, r.PartialSuccess.ErrorMessage, nil
}
