package netsink

import (
	"bytes"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// FuzzForwardReplies feeds what a Forward server sends back (HELO, PONG, acks) to the
// decoders: they must return an error, never panic or loop, on anything. The seeds run in
// every `go test`.
func FuzzForwardReplies(f *testing.F) {
	for _, v := range []any{
		map[string]any{"ack": "AAAAAAAAAAAAAAAAAAAAAA=="},
		map[string]any{"ack": []byte("bin-chunk"), "other": []any{1, 2}},
		map[string]any{"nope": 1},
		[]any{"HELO", map[string]any{"nonce": []byte("0123456789abcdef"), "auth": "", "keepalive": true}},
		[]any{"HELO", map[string]any{"nonce": "str-nonce", "auth": []byte("salt")}},
		[]any{"HELO", map[string]any{}},
		[]any{"PONG", true, "", "server", "abcdef"},
		[]any{"PONG", false, "shared_key mismatch", "", ""},
		[]any{"PING", "x"},
	} {
		b, err := msgpack.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0xdf, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0x81, 0xa3, 'a', 'c', 'k', 0xdb, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		if id, err := forwardReadAck(msgpack.NewDecoder(bytes.NewReader(b))); err == nil {
			// What decodes is an ack map: encoding the id back must decode again.
			back, _ := msgpack.Marshal(map[string]string{"ack": id})
			if id2, err := forwardReadAck(msgpack.NewDecoder(bytes.NewReader(back))); err != nil || id2 != id {
				t.Fatalf("round trip of %q: %q, %v", id, id2, err)
			}
		}
		if h, err := forwardReadHelo(msgpack.NewDecoder(bytes.NewReader(b))); err == nil && len(h.nonce) == 0 {
			t.Fatal("HELO accepted without a nonce")
		}
		_, _ = forwardReadPong(msgpack.NewDecoder(bytes.NewReader(b)))
	})
}
