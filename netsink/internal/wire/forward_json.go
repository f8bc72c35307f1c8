package wire

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// AppendJSONAsMsgpack appends the JSON value js as the msgpack value with the same
// structure (objects as maps, arrays as arrays, integers that fit int64 as integers, other
// numbers as float64), so that a value of kind Any reaches a Forward receiver as the tree
// slog's JSON handler would print, not as a string to parse again. It reports false, having
// appended nothing, when js is not exactly one JSON value.
//
// It runs only for values of kind Any, which json.Marshal already allocated for; its own
// allocations (the tokenizer's) are on that path, never on the 0-allocation one.
func AppendJSONAsMsgpack(b []byte, js []byte) ([]byte, bool) {
	start := len(b)
	d := json.NewDecoder(bytes.NewReader(js))
	d.UseNumber()
	// open containers: where their 32-bit count is, and the count so far. An object counts
	// keys and values; its pairs are half.
	type open struct {
		at  int
		n   int
		obj bool
	}
	var stack []open
	count := func() {
		if len(stack) > 0 {
			stack[len(stack)-1].n++
		}
	}
	values := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return b[:start], false
		}
		if len(stack) == 0 {
			values++
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				count()
				code := byte(msgpcode.Array32)
				if v == '{' {
					code = msgpcode.Map32
				}
				stack = append(stack, open{at: len(b), obj: v == '{'})
				b = append(b, code, 0, 0, 0, 0)
			case '}', ']':
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				n := top.n
				if top.obj {
					n /= 2
				}
				binary.BigEndian.PutUint32(b[top.at+1:], uint32(n))
			}
		case string:
			count()
			b = appendMsgpackStr(b, v)
		case json.Number:
			count()
			if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
				b = appendMsgpackInt(b, i)
			} else if f, err := strconv.ParseFloat(string(v), 64); err == nil {
				b = append(b, msgpcode.Double)
				b = binary.BigEndian.AppendUint64(b, math.Float64bits(f))
			} else {
				b = appendMsgpackStr(b, string(v)) // out of float64's range: keep the digits
			}
		case bool:
			count()
			if v {
				b = append(b, msgpcode.True)
			} else {
				b = append(b, msgpcode.False)
			}
		case nil:
			count()
			b = append(b, msgpcode.Nil)
		}
	}
	if values != 1 || len(stack) != 0 {
		return b[:start], false
	}
	return b, true
}

// appendMsgpackInt appends i in the int64 form: the receiver's type is then an integer
// whatever the size (a positive fixint included, which every decoder reads as an integer).
func appendMsgpackInt(b []byte, i int64) []byte {
	if i >= 0 && i < 128 {
		return append(b, byte(i))
	}
	if i < 0 && i >= -32 {
		return append(b, byte(i))
	}
	b = append(b, msgpcode.Int64)
	return binary.BigEndian.AppendUint64(b, uint64(i))
}
