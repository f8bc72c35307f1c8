package pickle

import (
	"encoding/hex"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// plain turns decoded values into what encoding/json and reflect.DeepEqual compare easily:
// containers become []any and map[string]any, big ints decimal strings. Inputs are acyclic.
func plain(v any) any {
	switch x := v.(type) {
	case *big.Int:
		return x.String()
	case *List:
		return plainAll(x.Items)
	case Tuple:
		return plainAll(x)
	case *Set:
		return plainAll(x.Items)
	case *Dict:
		m := map[string]any{}
		for i, k := range x.Keys {
			ks, ok := k.(string)
			if !ok {
				ks = "?"
				if n, ok := k.(int64); ok {
					ks = big.NewInt(n).String()
				}
			}
			m[ks] = plain(x.Values[i])
		}
		return m
	}
	return v
}

func plainAll(items []any) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = plain(it)
	}
	return out
}

// python returns the path of python3, skipping the test without it — except under CI,
// where a missing peer is a failure.
func python(t *testing.T) string {
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
