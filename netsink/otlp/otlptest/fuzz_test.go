package otlptest

import (
	"testing"
)

// FuzzDecode feeds export requests, protobuf and JSON, to the receiver's decoder: it returns
// records or an error, never panics, and what it returns is consistent. The seeds (every
// field, nesting at and past MaxDepth, truncations) run in every `go test`.
func FuzzDecode(f *testing.F) {
	p := protoRequest()
	for _, b := range [][]byte{p, p[:len(p)/2], nested(MaxDepth, false), nested(MaxDepth+1, false), {0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f}} {
		f.Add(b, false)
	}
	for _, s := range []string{jsonRequestText, string(nested(MaxDepth, true)), string(nested(MaxDepth+1, true)), `{}`, `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"doubleValue":"NaN"}}]}]}]}`} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, b []byte, isJSON bool) {
		recs, err := Decode(b, isJSON)
		if err != nil {
			if recs != nil {
				t.Fatalf("records %+v with error %v", recs, err)
			}
			return
		}
		for _, r := range recs {
			if r.Attributes == nil || r.Resource == nil || len(r.AttributeKeys) < len(r.Attributes) {
				t.Fatalf("record %+v", r)
			}
			for _, k := range r.AttributeKeys {
				if _, ok := r.Attributes[k]; !ok {
					t.Fatalf("key %q listed, not in Attributes", k)
				}
			}
			if (r.TraceID != "" && len(r.TraceID) != 32) || (r.SpanID != "" && len(r.SpanID) != 16) {
				t.Fatalf("ids %q %q", r.TraceID, r.SpanID)
			}
		}
	})
}
