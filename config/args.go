package config

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Args are the keyword arguments of one entry of the document (a handler, a formatter),
// read by key with a type check. Every getter records the first error, which names the
// place ("handlers.rot.maxBytes: want an integer, got \"10MB\""), and returns the default;
// Err returns it. A key that is present but null is treated as absent, as Python passes
// None. Keys nobody read are an error when the entry is finished (see Unused), so a typo
// in a document is caught at load time.
//
// Factories registered with Register read their arguments through Args.
type Args struct {
	path string         // "handlers.rot"
	m    map[string]any // the entry, without the keys the loader consumed
	used map[string]bool
	err  error

	rename map[string]string // keys as the document spells them, where they differ
	props  *Args             // the "." properties, once Properties was called
}

func newArgs(path string, m map[string]any) *Args {
	return &Args{path: path, m: m, used: map[string]bool{}}
}

// Path returns the entry's place in the document, such as "handlers.rot".
func (a *Args) Path() string { return a.path }

// Has reports whether key is present and not null.
func (a *Args) Has(key string) bool { return a.m[key] != nil }

// Value returns the raw value of key (map[string]any, []any, string, int64, float64, bool),
// marking it read; ok is false when it is absent or null.
func (a *Args) Value(key string) (v any, ok bool) {
	a.used[key] = true
	v = a.m[key]
	return v, v != nil
}

// Errorf records an error about key (an empty key means the entry itself), unless one was
// recorded already, and returns the recorded error.
func (a *Args) Errorf(key, format string, args ...any) error {
	if a.err == nil {
		place := a.path
		if r, ok := a.rename[key]; ok {
			key = r
		}
		if key != "" {
			place = join(a.path, key)
		}
		a.err = fmt.Errorf("config: %s: %s", place, fmt.Sprintf(format, args...))
	}
	return a.err
}

// Err returns the first error recorded by a getter or Errorf.
func (a *Args) Err() error { return a.err }

func (a *Args) wrong(key, want string, v any) {
	a.Errorf(key, "want %s, got %s", want, describe(v))
}

// String returns the string at key, or def when absent.
func (a *Args) String(key, def string) string {
	v, ok := a.Value(key)
	if !ok {
		return def
	}
	s, isStr := v.(string)
	if !isStr {
		a.wrong(key, "a string", v)
		return def
	}
	return s
}

// RequiredString returns the string at key; an absent key is an error.
func (a *Args) RequiredString(key string) string {
	if !a.Has(key) {
		a.used[key] = true
		a.Errorf(key, "required")
		return ""
	}
	return a.String(key, "")
}

// Int returns the integer at key, or def when absent.
func (a *Args) Int(key string, def int) int {
	v, ok := a.Value(key)
	if !ok {
		return def
	}
	i, isInt := v.(int64)
	if !isInt {
		a.wrong(key, "an integer", v)
		return def
	}
	return int(i)
}

// Float returns the number at key (an integer is accepted), or def when absent.
func (a *Args) Float(key string, def float64) float64 {
	v, ok := a.Value(key)
	if !ok {
		return def
	}
	switch n := v.(type) {
	case int64:
		return float64(n)
	case float64:
		return n
	}
	a.wrong(key, "a number", v)
	return def
}

// maxSeconds bounds the durations a document may give: a year, well inside time.Duration.
const maxSeconds = 366 * 24 * 3600

// Seconds returns the number of seconds at key as a duration, or def when absent. More
// than a year is an error.
func (a *Args) Seconds(key string, def time.Duration) time.Duration {
	if !a.Has(key) {
		a.used[key] = true
		return def
	}
	f := a.Float(key, 0)
	if f < 0 || f > maxSeconds || f != f {
		a.Errorf(key, "want a number of seconds from 0 to %d, got %v", maxSeconds, f)
		return def
	}
	return time.Duration(f * float64(time.Second))
}

// Bool returns the boolean at key, or def when absent.
func (a *Args) Bool(key string, def bool) bool {
	v, ok := a.Value(key)
	if !ok {
		return def
	}
	b, isBool := v.(bool)
	if !isBool {
		a.wrong(key, "a boolean", v)
		return def
	}
	return b
}

// Strings returns the list of strings at key; a single string is a list of one, as Python's
// SMTPHandler accepts for toaddrs. Absent is nil.
func (a *Args) Strings(key string) []string {
	v, ok := a.Value(key)
	if !ok {
		return nil
	}
	if s, isStr := v.(string); isStr {
		return []string{s}
	}
	l, isList := v.([]any)
	if !isList {
		a.wrong(key, "a string or a list of strings", v)
		return nil
	}
	out := make([]string, len(l))
	for i, e := range l {
		s, isStr := e.(string)
		if !isStr {
			a.wrong(fmt.Sprintf("%s[%d]", key, i), "a string", e)
			return nil
		}
		out[i] = s
	}
	return out
}

// OneOf returns the string at key, or def when absent; a value not in allowed is an error.
func (a *Args) OneOf(key, def string, allowed ...string) string {
	s := a.String(key, def)
	if a.Has(key) && !slices.Contains(allowed, s) {
		a.Errorf(key, "want one of %s, got %q", strings.Join(allowed, ", "), s)
		return def
	}
	return s
}

// Unused returns the keys present in the entry that nobody read, sorted.
func (a *Args) Unused() []string {
	var out []string
	for k := range a.m {
		if !a.used[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Properties returns the entry's "." mapping — the attributes CPython sets on the object
// after making it — as Args of their own (empty when absent). Like the entry's keys, every
// property must be read.
func (a *Args) Properties() *Args {
	if a.props == nil {
		m, _ := a.Value(".")
		pm, ok := m.(map[string]any)
		if !ok && m != nil {
			a.wrong(".", "a mapping of properties", m)
		}
		if pm == nil {
			pm = map[string]any{}
		}
		a.props = newArgs(join(a.path, "."), pm)
	}
	return a.props
}

// finish returns the first error, or an error naming the first key nobody read.
func (a *Args) finish(class string) error {
	if a.err != nil {
		return a.err
	}
	if a.props != nil {
		if err := a.props.finish(class + " (a property)"); err != nil {
			a.err = err
			return err
		}
	}
	if u := a.Unused(); len(u) > 0 {
		if u[0] == "." {
			return a.Errorf(u[0], "properties are not supported by %s", class)
		}
		return a.Errorf(u[0], "unknown key for %s", class)
	}
	return nil
}
