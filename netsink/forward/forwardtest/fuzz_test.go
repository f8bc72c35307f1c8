package forwardtest

import (
	"bufio"
	"bytes"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/slogx/handlers/netsink/forward/internal/fluentwire"
	"github.com/slogx/handlers/netsink/internal/nettest"
)

// FuzzReadMessage feeds what a client may send to the server's decoder: it returns a
// message or an error, never panics, never reads past its limit, and what it returns is
// consistent. The seeds (every mode, and hostile claims) run in every `go test`.
func FuzzReadMessage(f *testing.F) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	rec := map[string]any{"message": "m", "n": -1, "l": []any{1.5, nil, []byte{1}}, "g": map[string]any{"k": true}}
	entries := packed(f, []any{eventTime(at), rec}, []any{at.Unix(), rec})
	for _, v := range [][]any{
		{"t", eventTime(at), rec, map[string]any{"chunk": "c1"}},
		{"t", at.Unix(), rec},
		{"t", []any{[]any{eventTime(at), rec}}, map[string]any{"chunk": "c2", "size": 1}},
		{"t", entries, map[string]any{"chunk": "c3", "size": 2}},
		{"t", nettest.Gzip(entries), map[string]any{"compressed": "gzip"}},
		{"t", string(entries)},
	} {
		b, err := msgpack.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0x93, 0xa1, 't', 0xc6, 0x40, 0, 0, 0, 1, 2, 3})
	f.Add([]byte{0x93, 0xa1, 't', 0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Add(append([]byte{0x93, 0xa1, 't', 0x01, 0x81, 0xa1, 'x'}, bytes.Repeat([]byte{0x91}, 100)...))
	f.Add([]byte{0x93, 0xa1, 't', 0xd7, 0x00, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x80})
	f.Add([]byte{0x93, 0xa1, 't', 0xd6, 0xff, 0, 0, 0, 1, 0x80})
	const max = 1 << 16
	f.Fuzz(func(t *testing.T, b []byte) {
		d := fluentwire.NewReader(bufio.NewReader(bytes.NewReader(b)), "message", maxDepth)
		m, es, err := readMessage(d, max)
		if d.Used() > max {
			t.Fatalf("took %d bytes, limit %d", d.Used(), max)
		}
		if err != nil {
			return
		}
		if m.Entries != len(es) || m.Bytes != d.Used() || m.Bytes > len(b) {
			t.Fatalf("message %+v, %d entries, %d bytes read", m, len(es), d.Used())
		}
		for _, e := range es {
			if e.Tag != m.Tag || e.Record == nil {
				t.Fatalf("entry %+v of message %+v", e, m)
			}
		}
	})
}
