package main

import (
	"fmt"
	"path"
	"strings"
)

// defaultBaselines names the baseline of the groups this module's benchmarks define. A rule
// is matched against the group name (everything before the last "/" of a benchmark name,
// without "Benchmark"); a rule with no "/" is matched against the group's first element, so
// "Handle" covers Handle/5attrs and Handle/5attrs-parallel alike.
var defaultBaselines = []rule{
	{pattern: "Handle", name: "slog-json"},
	{pattern: "Logger", name: "slog-json"},
	{pattern: "Rotate", name: "plain-file"},
	{pattern: "Queue", name: "direct"},
}

// rule says that groups matching pattern (a path.Match pattern) have name as baseline.
type rule struct {
	pattern, name string
}

// rules is the -baseline flag: repeatable PATTERN=NAME.
type rules []rule

func (r *rules) String() string {
	var s []string
	for _, x := range *r {
		s = append(s, x.pattern+"="+x.name)
	}
	return strings.Join(s, ",")
}

func (r *rules) Set(v string) error {
	p, n, ok := strings.Cut(v, "=")
	if !ok || p == "" || n == "" {
		return fmt.Errorf("want PATTERN=NAME, got %q", v)
	}
	if _, err := path.Match(p, ""); err != nil {
		return fmt.Errorf("pattern %q: %w", p, err)
	}
	*r = append(*r, rule{pattern: p, name: n})
	return nil
}

// baselineFor returns the baseline of group: the first matching rule of flags, then of
// defaultBaselines; failing both, first (the group's first implementation in the input).
func baselineFor(group, first string, flags rules) string {
	top, _, _ := strings.Cut(group, "/")
	for _, rs := range [][]rule{flags, defaultBaselines} {
		for _, r := range rs {
			subject := group
			if !strings.Contains(r.pattern, "/") {
				subject = top
			}
			if ok, _ := path.Match(r.pattern, subject); ok {
				return r.name
			}
		}
	}
	return first
}
