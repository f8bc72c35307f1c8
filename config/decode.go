package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
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

// normalize converts what the decoders produce into the plain value types, checking that
// mapping keys are strings.
func normalize(path string, v any) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			n, err := normalize(join(path, k), e)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("config: %s: keys must be strings, got %s", orTop(path), describe(k))
			}
			n, err := normalize(join(path, ks), e)
			if err != nil {
				return nil, err
			}
			out[ks] = n
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			n, err := normalize(fmt.Sprintf("%s[%d]", path, i), e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case json.Number:
		if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return i, nil
		}
		f, err := v.Float64()
		if err != nil {
			return nil, fmt.Errorf("config: %s: bad number %s", orTop(path), v)
		}
		return f, nil
	case int:
		return int64(v), nil
	case int64, float64, string, bool, nil:
		return v, nil
	case uint64:
		if v > math.MaxInt64 {
			return nil, fmt.Errorf("config: %s: number %d out of range", orTop(path), v)
		}
		return int64(v), nil
	default:
		// Timestamps and other YAML types: refuse rather than guess.
		return nil, fmt.Errorf("config: %s: unsupported value %v (%T); quote it to make it a string", orTop(path), v, v)
	}
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
