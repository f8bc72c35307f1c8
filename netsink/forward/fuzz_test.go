package forward

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"testing"

	"github.com/slogx/handlers/netsink/internal/wire"
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
	f.Add(append([]byte{0x81, 0xa1, 'x'}, bytes.Repeat([]byte{0x91}, 100)...)) // nested too deep
	f.Add([]byte{0x82, 0xa1, 'x', 0xdd, 0x7f, 0xff, 0xff, 0xff})               // array claims 2^31 items
	f.Add([]byte{0x81, 0xa1, 'x', 0xc9, 0x10, 0x00, 0x00, 0x00, 0x01})         // ext claims 256 MiB
	f.Add([]byte{0x92, 0xa4, 'H', 'E', 'L', 'O', 0x81, 0xa5, 'n', 'o', 'n', 'c', 'e', 0xc6, 0x40, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		// Every reply is refused or accepted within its limit, whatever it claims.
		within := func(d *replyDec, limit int) {
			if used := limit - d.left; used < 0 || used > limit {
				t.Fatalf("reply took %d bytes, limit %d", used, limit)
			}
		}
		d := replyOf(b)
		if id, err := forwardReadAck(d); err == nil {
			// What decodes is an ack map: encoding the id back must decode again.
			back, _ := msgpack.Marshal(map[string]string{"ack": id})
			if id2, err := forwardReadAck(replyOf(back)); err != nil || id2 != id {
				t.Fatalf("round trip of %q: %q, %v", id, id2, err)
			}
		}
		within(d, forwardMaxAckBytes)
		d = replyOf(b)
		if h, err := forwardReadHelo(d); err == nil && len(h.nonce) == 0 {
			t.Fatal("HELO accepted without a nonce")
		}
		within(d, forwardMaxHandshakeBytes)
		_, _ = forwardReadPong(replyOf(b))
	})
}

// replyOf returns a replyDec reading b.
func replyOf(b []byte) *replyDec { return newReplyDec(bufio.NewReader(bytes.NewReader(b))) }

// FuzzForwardJSON: the JSON-to-msgpack transcoder of Any values accepts exactly one JSON
// value, and what it writes decodes to the same tree encoding/json reads.
func FuzzForwardJSON(f *testing.F) {
	for _, s := range []string{
		`{"X":1,"Y":2}`, `[1,-1,-33,128,9223372036854775807,-9223372036854775808,1e400,1.5,"s",null,true,false,{},[]]`,
		`"x"`, `12345678901234567890`, `{"a":{"b":[{"c":null}]}}`, ` 1 `, `1 2`, `{`, `{"a" 1}`, ``, `[1,]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, js []byte) {
		out, ok := wire.AppendJSONAsMsgpack([]byte{0xc0}, js)
		var want any
		d := json.NewDecoder(bytes.NewReader(js))
		d.UseNumber()
		werr := d.Decode(&want)
		if werr == nil {
			if _, err := d.Token(); err != io.EOF {
				werr = errors.New("trailing data")
			}
		}
		if ok != (werr == nil) {
			t.Fatalf("%q: transcoded=%v, encoding/json: %v", js, ok, werr)
		}
		if !ok {
			if len(out) != 1 {
				t.Fatalf("%q: failed but appended %x", js, out[1:])
			}
			return
		}
		var got any
		if err := msgpack.Unmarshal(out[1:], &got); err != nil {
			t.Fatalf("%q: output does not decode: %v", js, err)
		}
		if g, w := fmt.Sprint(fwdJSONNorm(got)), fmt.Sprint(fwdJSONNorm(want)); g != w {
			t.Fatalf("%q:\n got %s\nwant %s", js, g, w)
		}
	})
}

// fwdJSONNorm makes numbers comparable: integers as int64 where they fit, others float64.
func fwdJSONNorm(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = fwdJSONNorm(e)
		}
	case []any:
		for i, e := range x {
			x[i] = fwdJSONNorm(e)
		}
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return f
		}
		return string(x)
	case float64:
		return x
	}
	if n := fwdInt(v); n != -1 || v == int8(-1) {
		return int64(n)
	}
	return v
}
