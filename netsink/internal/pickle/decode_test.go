package pickle

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// plainSeeds are a dict of every plain type pickled by CPython 3.11 with protocols 3 to 5.
var plainSeeds = []string{
	"80037d71002858010000007371015802000000c3a9710258010000006971034afbffffff580300000062696771048a090000000000000000405801000000667105473ff4000000000000580100000062710643020001710758010000006c71085d7109284b014b024b0386710a4e8865580100000064710b7d710c2858010000006b710d580100000076710e4b014b0275752e",
	"80049564000000000000007d94288c0173948c02c3a9948c0169944afbffffff8c03626967948a090000000000000000408c016694473ff40000000000008c01629443020001948c016c945d94284b014b024b0386944e88658c0164947d94288c016b948c0176944b014b0275752e",
	"80059564000000000000007d94288c0173948c02c3a9948c0169944afbffffff8c03626967948a090000000000000000408c016694473ff40000000000008c01629443020001948c016c945d94284b014b024b0386944e88658c0164947d94288c016b948c0176944b014b0275752e",
}

func TestDecodeProtocols(t *testing.T) {
	want := map[string]any{"s": "é", "i": int64(-5), "big": "1180591620717411303424", "f": 1.25,
		"b": []byte{0, 1}, "l": []any{int64(1), []any{int64(2), int64(3)}, nil, true}, "d": map[string]any{"k": "v", "1": int64(2)}}
	for i, s := range plainSeeds {
		v, err := Decode(unhex(t, s), Limits{})
		if err != nil {
			t.Fatalf("protocol %d: %v", i+3, err)
		}
		if got := plain(v); !reflect.DeepEqual(got, want) {
			t.Errorf("protocol %d:\n got %#v\nwant %#v", i+3, got, want)
		}
	}
}

func TestDecodeRefused(t *testing.T) {
	cases := map[string]string{
		"GLOBAL+REDUCE p0": "cos\nsystem\n(S'echo pwned'\ntR.",
		"STACK_GLOBAL p4":  "\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x01x\x85R.",
		"INST":             "(S'x'\nios\nsystem\n.",
		"OBJ":              "(cos\nsystem\nS'x'\no.",
		"BUILD":            "}(S'a'\nI1\ndb.",
		"NEWOBJ":           "\x80\x02cbuiltins\nobject\n)\x81.",
		"PERSID":           "Pfoo\n.",
		"EXT1":             "\x82\x01.",
		"NEXT_BUFFER":      "\x97.",
	}
	for name, p := range cases {
		_, err := Decode([]byte(p), Limits{})
		if !errors.Is(err, ErrRefused) || errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrRefused", name, err)
		}
	}
}

func TestDecodeMalformed(t *testing.T) {
	cases := map[string]string{
		"huge BINUNICODE":   "X\xff\xff\xff\x7f",
		"huge BINBYTES8":    "\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\xff",
		"huge LONG4":        "\x8b\xff\xff\xff\x7f",
		"huge FRAME":        "\x80\x04\x95\xff\x00\x00\x00\x00\x00\x00\x00}.",
		"unknown memo":      "h\x05.",
		"underflow":         "s.",
		"no stop":           "}",
		"APPEND to dict":    "}K\x01a.",
		"ADDITEMS to list":  "](K\x01\x90.",
		"odd SETITEMS":      "}(K\x01u.",
		"mark in tuple":     "(\x85.",
		"mark as value":     "(.",
		"no mark":           "t.",
		"protocol 9":        "\x80\x09}.",
		"unterminated line": "I12",
		"bad memo index":    "}px\n.",
		"bad float":         "Fx\n.",
		"STRING unquoted":   "Sabc\n.",
		"unknown opcode":    "\xff",
	}
	for name, p := range cases {
		_, err := Decode([]byte(p), Limits{})
		var e *Error
		if !errors.Is(err, ErrMalformed) || !errors.As(err, &e) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

// A list that contains itself is legal Python, but as a tree it never ends: refused by the
// depth limit.
func TestDecodeSelfReference(t *testing.T) {
	_, err := Decode([]byte("]q\x00h\x00a."), Limits{})
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "deeper than 32") {
		t.Errorf("err = %v", err)
	}
}

func TestDecodeDictKeys(t *testing.T) {
	// {"a": 1, "a": 2} keeps the first position and the last value; a big int key
	// referenced twice is one key.
	var p bytes.Buffer
	p.WriteString("}(X\x01\x00\x00\x00aK\x01X\x01\x00\x00\x00bK\x02X\x01\x00\x00\x00aK\x03u")
	p.WriteString("\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x40q\x00K\x04sh\x00K\x05s.")
	v, err := Decode(p.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	d := v.(*Dict)
	if len(d.Keys) != 3 || d.Keys[0] != "a" || d.Values[0] != int64(3) || d.Values[2] != int64(5) {
		t.Errorf("got %v %v", d.Keys, d.Values)
	}
}

// TestDecodeDifferential asks python3 to pickle the same value with every protocol and
// compares our decoding with Python's own JSON of it.
func TestDecodeDifferential(t *testing.T) {
	py := python(t)
	script := `
import json, pickle
obj = {"s": "é\n\"'\\", "u": "\u2603 \U0001F600", "i": -5, "i32": 2**31 - 1, "i64": -2**63,
       "f": 1.25, "neg": -0.5, "t": True, "fa": False, "n": None,
       "l": [1, [2, 3], {"x": []}], "e": {}, "el": []}
for proto in range(6):
    print(proto, pickle.dumps(obj, proto).hex())
print("json", json.dumps(obj))
`
	out, err := exec.Command(py, "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var want any
	if err := json.Unmarshal([]byte(strings.TrimPrefix(lines[len(lines)-1], "json ")), &want); err != nil {
		t.Fatal(err)
	}
	for _, l := range lines[:len(lines)-1] {
		proto, h, _ := strings.Cut(l, " ")
		v, err := Decode(unhex(t, h), Limits{})
		if err != nil {
			t.Errorf("protocol %s: %v", proto, err)
			continue
		}
		js, err := json.Marshal(plain(v))
		if err != nil {
			t.Fatal(err)
		}
		var got any
		if err := json.Unmarshal(js, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("protocol %s:\n got %v\nwant %v", proto, got, want)
		}
	}
}

func TestDecodeLong(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		want any
	}{
		{[]byte{}, int64(0)},
		{[]byte{0xff}, int64(-1)},
		{[]byte{0x00, 0x80}, int64(-32768)},
		{[]byte{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40}, new(big.Int).Lsh(big.NewInt(1), 70)},
		{[]byte{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0}, new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 70))},
	} {
		got := decodeLong(c.b)
		if bi, ok := c.want.(*big.Int); ok {
			if g, ok := got.(*big.Int); !ok || g.Cmp(bi) != 0 {
				t.Errorf("%x: %v, want %v", c.b, got, c.want)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%x: %v, want %v", c.b, got, c.want)
		}
	}
}

// FuzzDecode: any input ends in a value or a classified *Error, never a panic or a hang.
func FuzzDecode(f *testing.F) {
	for _, s := range plainSeeds {
		f.Add(unhex(f, s))
	}
	f.Add([]byte("cos\nsystem\n(S'echo pwned'\ntR."))
	f.Add([]byte("(dp0\nVname\np1\nVapp\np2\nsVlevelno\np3\nI20\nsVcreated\np4\nF1.5\nsS'msg'\np5\nS'it\\'s'\np6\ns."))
	f.Add([]byte("]q\x00h\x00a."))
	f.Fuzz(func(t *testing.T, p []byte) {
		_, err := Decode(p, Limits{MaxSize: 1 << 16})
		if err == nil {
			return
		}
		var e *Error
		if !errors.As(err, &e) || errors.Is(err, ErrRefused) == errors.Is(err, ErrMalformed) {
			t.Fatalf("unclassified error %v", err)
		}
	})
}
