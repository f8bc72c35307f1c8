package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// decode parses a JSON or YAML document into plain values: map[string]any, []any, string,
// int64, float64, bool and nil. JSON is recognised by its first significant byte ('{');
// anything else is read as YAML (of which JSON is a subset, with worse error messages).
func decode(data []byte) (map[string]any, error) {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return decodeJSON(trimmed)
	}
	return decodeYAML(data)
}

func decodeJSON(data []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("config: JSON: %w", err)
	}
	if d.More() {
		return nil, fmt.Errorf("config: JSON: data after the top-level object")
	}
	n, err := normalize("", v)
	if err != nil {
		return nil, err
	}
	return n.(map[string]any), nil
}

// transform returns a copy of the plain value v (mappings, lists, scalars) whose scalars
// are replaced by what leaf returns for them; path names v's place, for errors. It is the
// one walk over a document: JSON's numbers, cfg:// references and ${VAR} substitution are
// leaves of it.
func transform(path string, v any, leaf func(path string, v any) (any, error)) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			n, err := transform(join(path, k), e, leaf)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			n, err := transform(fmt.Sprintf("%s[%d]", path, i), e, leaf)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	return leaf(path, v)
}

// normalize converts what encoding/json produces (with UseNumber) into the plain value
// types: json.Number becomes int64 or float64.
func normalize(path string, v any) (any, error) {
	return transform(path, v, func(path string, v any) (any, error) {
		n, ok := v.(json.Number)
		if !ok {
			return v, nil
		}
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return i, nil
		}
		f, err := n.Float64()
		if err != nil {
			return nil, fmt.Errorf("config: %s: bad number %s", orTop(path), n)
		}
		return f, nil
	})
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orTop(path string) string {
	if path == "" {
		return "(document)"
	}
	return path
}

// describe names a value in an error message as a reader would write it.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%v", v)
}
