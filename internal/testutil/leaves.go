package testutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Leaves flattens one JSON object into its leaves, in order and with duplicates, as
// "k1<sep>k2<sep>key=value": strings bare, numbers as written, true/false, null. Groups left
// empty have no leaf and vanish, as in the tree encoders.
func Leaves(js []byte, sep string) ([]string, error) {
	d := json.NewDecoder(bytes.NewReader(js))
	d.UseNumber()
	var out, path []string
	key, depth := "", 0
	inKey := false // the next token is a key
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				if depth > 0 {
					path = append(path, key)
				}
				depth++
				inKey = true
				continue
			case '}':
				if depth > 1 {
					path = path[:len(path)-1]
				}
				depth--
				inKey = true
				continue
			default:
				return nil, fmt.Errorf("arrays are not attributes: %s", js)
			}
		case string:
			if inKey {
				key, inKey = t, false
				continue
			}
		}
		out = append(out, strings.Join(append(path[:len(path):len(path)], key), sep)+"="+fmt.Sprint(tok))
		inKey = true
	}
}
