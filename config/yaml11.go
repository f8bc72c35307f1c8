package config

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// PyYAML reads YAML 1.1: its plain scalars resolve by the regular expressions of
// yaml/resolver.py (PyYAML 6), so "yes", "Off" and "NO" are booleans, "010" is 8, "1_000" is
// 1000, "1:30" is 90 and "1e3" is a string. A document must mean in Go what it means to
// yaml.safe_load: the scalars are read here from the node tree rather than by the YAML
// library's YAML 1.2 resolver.
var (
	yamlBool  = regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)
	yamlNull  = regexp.MustCompile(`^(?:~|null|Null|NULL|)$`)
	yamlInt   = regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	yamlFloat = regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	yamlTime  = regexp.MustCompile(`^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$`)
)

// yamlBudget bounds the values a YAML document of n bytes may expand to through aliases —
// twice what it could hold without them, and some room — so that a "billion laughs"
// document is refused instead of filling memory.
func yamlBudget(n int) int { return 2*n + 1<<14 }

func decodeYAML(data []byte) (map[string]any, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("config: YAML: %w", err)
	}
	if n.Kind == 0 || n.Kind == yaml.DocumentNode && len(n.Content) == 0 {
		return nil, fmt.Errorf("config: empty document")
	}
	d := &yamlDecoder{budget: yamlBudget(len(data)), limit: yamlBudget(len(data))}
	v, err := d.value("", &n)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, fmt.Errorf("config: empty document")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("config: the document must be a mapping, got %s", describe(v))
	}
	return m, nil
}

type yamlDecoder struct {
	budget int
	limit  int
	active []*yaml.Node // aliases being expanded, for recursive documents
}

func (d *yamlDecoder) value(path string, n *yaml.Node) (any, error) {
	if d.budget--; d.budget < 0 {
		return nil, fmt.Errorf("config: YAML: the document expands to more than %d values (aliases)", d.limit)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		return d.value(path, n.Content[0])
	case yaml.AliasNode:
		for _, a := range d.active {
			if a == n.Alias {
				return nil, fmt.Errorf("config: %s: YAML alias *%s refers to itself", orTop(path), n.Value)
			}
		}
		d.active = append(d.active, n.Alias)
		v, err := d.value(path, n.Alias)
		d.active = d.active[:len(d.active)-1]
		return v, err
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, e := range n.Content {
			v, err := d.value(fmt.Sprintf("%s[%d]", path, i), e)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		return d.mapping(path, n)
	case yaml.ScalarNode:
		v, err := scalar11(n)
		if err != nil {
			return nil, fmt.Errorf("config: %s: %v", orTop(path), err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("config: %s: unsupported YAML node", orTop(path))
}

// mapping reads a mapping as PyYAML does: merge keys (<<) first, explicit keys over them,
// a repeated key's last value.
func (d *yamlDecoder) mapping(path string, n *yaml.Node) (map[string]any, error) {
	out := make(map[string]any, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Style&(yaml.TaggedStyle|yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
			merges = append(merges, n.Content[i+1])
		}
	}
	for _, m := range merges {
		v, err := d.value(join(path, "<<"), m)
		if err != nil {
			return nil, err
		}
		srcs := []any{v}
		if l, ok := v.([]any); ok {
			srcs = l
		}
		for _, s := range srcs {
			sm, ok := s.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("config: %s: a merge key (<<) takes a mapping or a list of mappings, got %s", join(path, "<<"), describe(s))
			}
			for k, e := range sm {
				if _, dup := out[k]; !dup {
					out[k] = e
				}
			}
		}
	}
	explicit := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn := n.Content[i]
		if kn.Kind == yaml.ScalarNode && kn.Value == "<<" && kn.Style&(yaml.TaggedStyle|yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
			continue
		}
		k, err := d.value(path, kn)
		if err != nil {
			return nil, err
		}
		ks, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("config: %s: keys must be strings, got %s", orTop(path), describe(k))
		}
		v, err := d.value(join(path, ks), n.Content[i+1])
		if err != nil {
			return nil, err
		}
		if explicit[ks] {
			delete(out, ks) // PyYAML keeps the last of repeated keys
		}
		explicit[ks] = true
		out[ks] = v
	}
	return out, nil
}

// scalar11 reads a scalar as PyYAML's SafeLoader does.
func scalar11(n *yaml.Node) (any, error) {
	s := n.Value
	if n.Style&yaml.TaggedStyle != 0 {
		switch n.Tag {
		case "!!str", "!":
			return s, nil
		case "!!int":
			return int11(s)
		case "!!float":
			return float11(s)
		case "!!bool":
			if yamlBool.MatchString(s) {
				return bool11(s), nil
			}
			return nil, fmt.Errorf("bad !!bool %q", s)
		case "!!null":
			return nil, nil
		}
		return nil, fmt.Errorf("unsupported YAML tag %s", n.Tag)
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return s, nil
	}
	switch {
	case yamlBool.MatchString(s):
		return bool11(s), nil
	case yamlNull.MatchString(s):
		return nil, nil
	case yamlInt.MatchString(s):
		return int11(s)
	case yamlFloat.MatchString(s):
		return float11(s)
	case yamlTime.MatchString(s):
		return nil, fmt.Errorf("unsupported value %s (a YAML timestamp); quote it to make it a string", s)
	}
	return s, nil
}

func bool11(s string) bool {
	switch strings.ToLower(s) {
	case "yes", "true", "on":
		return true
	}
	return false
}

// int11 is SafeConstructor.construct_yaml_int.
func int11(s string) (any, error) {
	v := strings.ReplaceAll(s, "_", "")
	sign := int64(1)
	if v != "" && (v[0] == '-' || v[0] == '+') {
		if v[0] == '-' {
			sign = -1
		}
		v = v[1:]
	}
	var n int64
	var err error
	switch {
	case v == "0":
		return int64(0), nil
	case strings.HasPrefix(v, "0b"):
		n, err = strconv.ParseInt(v[2:], 2, 64)
	case strings.HasPrefix(v, "0x"):
		n, err = strconv.ParseInt(v[2:], 16, 64)
	case strings.HasPrefix(v, "0"):
		n, err = strconv.ParseInt(v[1:], 8, 64)
	case strings.Contains(v, ":"):
		for _, d := range strings.Split(v, ":") {
			var p int64
			if p, err = strconv.ParseInt(d, 10, 64); err != nil || n > (math.MaxInt64-p)/60 {
				return nil, fmt.Errorf("number %s out of range", s)
			}
			n = n*60 + p
		}
	default:
		n, err = strconv.ParseInt(v, 10, 64)
	}
	if err != nil {
		return nil, fmt.Errorf("number %s out of range", s)
	}
	return sign * n, nil
}

// float11 is SafeConstructor.construct_yaml_float.
func float11(s string) (any, error) {
	v := strings.ToLower(strings.ReplaceAll(s, "_", ""))
	sign := 1.0
	if v != "" && (v[0] == '-' || v[0] == '+') {
		if v[0] == '-' {
			sign = -1
		}
		v = v[1:]
	}
	switch {
	case v == ".inf":
		return sign * math.Inf(1), nil
	case v == ".nan":
		return math.NaN(), nil
	case strings.Contains(v, ":"):
		parts := strings.Split(v, ":")
		f := 0.0
		for _, p := range parts {
			x, err := strconv.ParseFloat(p, 64)
			if err != nil {
				return nil, fmt.Errorf("bad number %s", s)
			}
			f = f*60 + x
		}
		return sign * f, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, fmt.Errorf("bad number %s", s)
	}
	return sign * f, nil
}
