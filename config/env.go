package config

import (
	"fmt"

	"strings"
)

// expandEnv substitutes ${VAR} and ${VAR:-default} in every string of v, recursively, using
// lookup. "$$" is a literal "$"; a "$" not followed by "{" or "$" is kept as is. A variable
// that is not set (and has no default) is an error naming the place.
func expandEnv(path string, v any, lookup func(string) (string, bool)) (any, error) {
	return transform(path, v, func(path string, v any) (any, error) {
		s, ok := v.(string)
		if !ok {
			return v, nil
		}
		s, err := expandString(s, lookup)
		if err != nil {
			return nil, fmt.Errorf("config: %s: %w", path, err)
		}
		return s, nil
	})
}

func expandString(s string, lookup func(string) (string, bool)) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", fmt.Errorf("unterminated ${ in %q", s)
			}
			ref := s[i+2 : i+2+end]
			val, err := lookupRef(ref, lookup)
			if err != nil {
				return "", err
			}
			b.WriteString(val)
			i += 2 + end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func lookupRef(ref string, lookup func(string) (string, bool)) (string, error) {
	name, def, hasDef := strings.Cut(ref, ":-")
	if !validEnvName(name) {
		return "", fmt.Errorf("bad environment variable name %q in ${%s}", name, ref)
	}
	if v, ok := lookup(name); ok && (v != "" || !hasDef) {
		return v, nil
	}
	if hasDef {
		return def, nil
	}
	return "", fmt.Errorf("environment variable %s is not set", name)
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}
