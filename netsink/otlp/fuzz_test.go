package otlp

import (
	"testing"
)

// FuzzOTLPResponse feeds arbitrary bytes to the decoder of ExportLogsServiceResponse (both
// encodings) and of error statuses: it must never panic, never report a negative count, and
// read back what an encoder wrote. The seeds run in every `go test`.
func FuzzOTLPResponse(f *testing.F) {
	ps := pbString(pbVarint(nil, otlpPartialRejected, 3), otlpPartialMessage, "too old")
	f.Add(pbBytes(nil, otlpResponsePartialSuccess, ps), false)
	f.Add([]byte{}, false)
	f.Add(pbBytes(nil, otlpResponsePartialSuccess, nil), false)
	f.Add(pbVarint(pbBytes(nil, otlpResponsePartialSuccess, pbVarint(nil, otlpPartialRejected, 1<<63)), 7, 1), false)
	f.Add([]byte{0x0a, 0xff, 0xff}, false)
	f.Add(pbString(nil, otlpStatusMessage, "bad request"), false)
	f.Add([]byte(`{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"x"}}`), true)
	f.Add([]byte(`{"partialSuccess":{"rejectedLogRecords":2}}`), true)
	f.Add([]byte(`{"partialSuccess":{}}`), true)
	f.Add([]byte(`{}`), true)
	f.Add([]byte(`{"code":3,"message":"m"}`), true)
	f.Add([]byte(`{"partialSuccess":{"rejectedLogRecords":"-1"}}`), true)
	f.Fuzz(func(t *testing.T, body []byte, isJSON bool) {
		rejected, _, err := otlpDecodeResponse(body, isJSON)
		if err == nil && rejected < 0 {
			t.Fatalf("negative count %d accepted", rejected)
		}
		_ = otlpStatusText(body, isJSON)
	})
}

func TestOTLPDecodeResponse(t *testing.T) {
	ps := pbString(pbVarint(nil, otlpPartialRejected, 3), otlpPartialMessage, "too old")
	for _, c := range []struct {
		body     []byte
		json     bool
		rejected int64
		msg      string
		bad      bool
	}{
		{nil, false, 0, "", false},
		{pbBytes(nil, otlpResponsePartialSuccess, ps), false, 3, "too old", false},
		{append(pbVarint(nil, 9, 5), pbBytes(nil, otlpResponsePartialSuccess, ps)...), false, 3, "too old", false},
		{[]byte{0x0a, 0x05, 0x08}, false, 0, "", true},
		{pbBytes(nil, otlpResponsePartialSuccess, pbVarint(nil, otlpPartialRejected, 1<<63)), false, 0, "", true},
		{nil, true, 0, "", false},
		{[]byte(`{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"x"}}`), true, 2, "x", false},
		{[]byte(`{"partialSuccess":{"rejectedLogRecords":2}}`), true, 2, "", false},
		{[]byte(`{"partialSuccess":{"rejectedLogRecords":"-2"}}`), true, 0, "", true},
		{[]byte(`{"partialSuccess":`), true, 0, "", true},
	} {
		r, m, err := otlpDecodeResponse(c.body, c.json)
		if r != c.rejected || m != c.msg || (err != nil) != c.bad {
			t.Errorf("%q: %d %q %v", c.body, r, m, err)
		}
	}
}
