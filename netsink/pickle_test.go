package netsink

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/slogx/handlers/netsink/internal/wire"
)

// wirePickleSeeds are pickles made by CPython 3.11: what SocketHandler.makePickle sends for a
// record (protocol 1), and a dict of every plain type in protocols 3 to 5.
var wirePickleSeeds = []string{
	"7d71002858040000006e616d6571015803000000617070710258030000006d73677103580b00000068656c6c6f20776f726c64710458040000006172677371054e58090000006c6576656c6e616d65710658070000005741524e494e47710758070000006c6576656c6e6f71084b1e5808000000706174686e616d65710958070000002f782f792e7079710a580800000066696c656e616d65710b5804000000792e7079710c58060000006d6f64756c65710d580100000079710e58080000006578635f696e666f710f4e58080000006578635f7465787471104e580a000000737461636b5f696e666f71114e58060000006c696e656e6f71124b2a580800000066756e634e616d657113580100000066711458070000006372656174656471154741dac2046c115e0858050000006d736563737116474070f00000000000580f00000072656c6174697665437265617465647117474026d517c0000000580600000074687265616471184c3134303537393331323534303534344c0a580a0000007468726561644e616d657119580a0000004d61696e546872656164711a580b00000070726f636573734e616d65711b580b0000004d61696e50726f63657373711c580700000070726f63657373711d4d5360580700000065787472615f6e711e4c313138303539313632303731373431313330333432344c0a752e",
	"80037d71002858010000007371015802000000c3a9710258010000006971034afbffffff580300000062696771048a090000000000000000405801000000667105473ff4000000000000580100000062710643020001710758010000006c71085d7109284b014b024b0386710a4e8865580100000064710b7d710c2858010000006b710d580100000076710e4b014b0275752e",
	"80049564000000000000007d94288c0173948c02c3a9948c0169944afbffffff8c03626967948a090000000000000000408c016694473ff40000000000008c01629443020001948c016c945d94284b014b024b0386944e88658c0164947d94288c016b948c0176944b014b0275752e",
	"80059564000000000000007d94288c0173948c02c3a9948c0169944afbffffff8c03626967948a090000000000000000408c016694473ff40000000000008c01629443020001948c016c945d94284b014b024b0386944e88658c0164947d94288c016b948c0176944b014b0275752e",
}

func wireHex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPickleSocketHandlerRecord(t *testing.T) {
	r, err := wirePickleRecord(wireHex(t, wirePickleSeeds[0]))
	if err != nil {
		t.Fatal(err)
	}
	if r.Message != "hello world" || r.Level != slog.LevelWarn || r.Time.Year() != 2026 || r.Time.Nanosecond()%1000 != 0 {
		t.Errorf("record %v %v %q", r.Time, r.Level, r.Message)
	}
	got := map[string]string{}
	var keys []string
	r.Attrs(func(a slog.Attr) bool {
		got[a.Key] = a.Value.String()
		keys = append(keys, a.Key)
		return true
	})
	want := "name pathname filename module lineno funcName relativeCreated thread threadName processName process extra_n"
	if strings.Join(keys, " ") != want {
		t.Errorf("keys %q\nwant %q", strings.Join(keys, " "), want)
	}
	if got["name"] != "app" || got["lineno"] != "42" || got["extra_n"] != "1180591620717411303424" || got["funcName"] != "f" {
		t.Errorf("attrs %v", got)
	}
}

func TestPickleRefused(t *testing.T) {
	cases := map[string]string{
		"GLOBAL+REDUCE p0":  "cos\nsystem\n(S'echo pwned'\ntR.",
		"STACK_GLOBAL p4":   "\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x01x\x85R.",
		"INST":              "(S'x'\nios\nsystem\n.",
		"OBJ":               "(cos\nsystem\nS'x'\no.",
		"BUILD":             "}(S'a'\nI1\ndb.",
		"NEWOBJ":            "\x80\x02cbuiltins\nobject\n)\x81.",
		"PERSID":            "Pfoo\n.",
		"a custom class p1": "}q\x00X\x01\x00\x00\x00pq\x01ccopy_reg\n_reconstructor\nq\x02(c__main__\nPoint\nq\x03c__builtin__\nobject\nq\x04Ntq\x05Rq\x06s.",
	}
	for name, p := range cases {
		_, err := wirePickleRecord([]byte(p))
		if !errors.Is(err, ErrPickleRefused) {
			t.Errorf("%s: err = %v, want ErrPickleRefused", name, err)
		}
	}
}

func TestPickleHostile(t *testing.T) {
	cases := map[string]string{
		"huge BINUNICODE":   "X\xff\xff\xff\x7f",
		"huge BINBYTES8":    "\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\xff",
		"huge LONG4":        "\x8b\xff\xff\xff\x7f",
		"unknown memo":      "h\x05.",
		"underflow":         "s.",
		"no stop":           "}",
		"not a dict":        "K\x01.",
		"APPEND to dict":    "}K\x01a.",
		"odd SETITEMS":      "}(K\x01u.",
		"mark in tuple":     "(\x85.",
		"protocol 9":        "\x80\x09}.",
		"unterminated line": "I12",
		"unknown opcode":    "\xff",
	}
	for name, p := range cases {
		_, err := wirePickleRecord([]byte(p))
		if err == nil || !errors.Is(err, wire.ErrMalformed) && !errors.Is(err, ErrPickleRefused) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	// A self-referencing list and a memo bomb: bounded, no hang, no panic.
	selfRef := "}(X\x01\x00\x00\x00a]q\x00h\x00au."
	if _, err := wirePickleRecord([]byte(selfRef)); err == nil {
		t.Error("self-referencing list accepted")
	}
	var bomb bytes.Buffer
	bomb.WriteString("}X\x01\x00\x00\x00a]q\x00")
	for i := 0; i < 60; i++ { // list_i+1 = [list_i, list_i]: 2^60 nodes if expanded
		bomb.WriteString("]q\x01h\x00h\x00\x86q\x02h\x01h\x02a0h\x01q\x00")
	}
	bomb.WriteString("h\x00s.")
	if _, err := wirePickleRecord(bomb.Bytes()); err == nil {
		t.Error("memo bomb accepted")
	}
}

// wirePython returns the path of python3, skipping the test without it — except under CI,
// where a missing peer is a failure.
func wirePython(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 is required under CI: %v", err)
		}
		t.Skipf("python3 not found: %v", err)
	}
	return py
}

func FuzzPickle(f *testing.F) {
	for _, s := range wirePickleSeeds {
		f.Add(wireHex(f, s))
	}
	f.Add([]byte("cos\nsystem\n(S'echo pwned'\ntR."))
	f.Add([]byte("(dp0\nVname\np1\nVapp\np2\nsVlevelno\np3\nI20\nsVcreated\np4\nF1.5\nsS'msg'\np5\nS'it\\'s'\np6\ns."))
	f.Add([]byte("}(X\x01\x00\x00\x00a]q\x00h\x00au."))
	f.Fuzz(func(t *testing.T, p []byte) {
		r, err := wirePickleRecord(p)
		if err != nil {
			if !errors.Is(err, wire.ErrMalformed) && !errors.Is(err, ErrPickleRefused) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		// Whatever decodes goes through the wire codec.
		if _, err := wire.DecodeRecord(wire.EncodeRecord(nil, r)); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
	})
}

// pickleReferenced builds a LogRecord dict whose extra "l" is a list of one value pickled
// once (value, then BINPUT 2) and referenced refs-1 times with BINGET: what CPython emits
// for extra={"l": [v] * refs}.
func pickleReferenced(value []byte, refs int) []byte {
	var b bytes.Buffer
	b.WriteString("}q\x00(X\x03\x00\x00\x00msgX\x02\x00\x00\x00hiX\x01\x00\x00\x00l]q\x01(")
	b.Write(value)
	b.WriteString("q\x02")
	for i := 1; i < refs; i++ {
		b.WriteString("h\x02")
	}
	b.WriteString("eu.")
	return b.Bytes()
}

type pickleCountingWriter struct{ n int }

func (w *pickleCountingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// A 22 kB frame whose memo references expand it to tens of megabytes is refused before
// anything is built from it; the collector allocates a small multiple of the frame.
func TestPickleBackReferences(t *testing.T) {
	str := append([]byte("X\x10\x27\x00\x00"), bytes.Repeat([]byte("a"), 10000)...)
	bigInt := append([]byte("\x8b\xfa\x06\x00\x00"), bytes.Repeat([]byte{0x55}, 1786)...)
	for name, p := range map[string][]byte{
		"10 kB str x 6000":      pickleReferenced(str, 6000),
		"4300-digit int x 6000": pickleReferenced(bigInt, 6000),
	} {
		w := &pickleCountingWriter{}
		srv := &Server{Handler: slog.NewJSONHandler(w, nil), AcceptPickle: true, OnError: func(error) {}}
		srv.init()
		alloc, err := wireFrameAlloc(srv, p)
		t.Logf("%s: %d-byte frame, %d bytes allocated, %d written: %v", name, len(p), alloc, w.n, err)
		if !errors.Is(err, ErrPickleRefused) || !strings.Contains(err.Error(), fmt.Sprintf("to more than %d bytes", pickleExpansion(len(p), DefaultMaxFrame))) {
			t.Errorf("%s: err = %v", name, err)
		}
		// Each 2-byte BINGET costs a 16-byte slot on the stack (grown by doubling) and one in
		// the list: the bound is per input byte, whatever the references expand to.
		if alloc > 32*uint64(len(p)) || w.n != 0 {
			t.Errorf("%s: %d bytes allocated, %d written for a %d-byte frame", name, alloc, w.n, len(p))
		}
		if st := srv.Stats(); st.Refused != 1 || st.Records != 0 {
			t.Errorf("%s: stats %+v", name, st)
		}
	}
	// The same shape within the frame limit is a record like any other.
	r, err := pickleRecord(pickleReferenced(str, 50), wire.DefaultMaxFrame)
	if err != nil || r.NumAttrs() != 1 {
		t.Errorf("50 references: %v, %d attrs", err, r.NumAttrs())
	}
}
