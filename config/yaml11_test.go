package config

import (
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/slogx/handlers/internal/testutil"
)

// pyYAML returns python3 with PyYAML, or skips (fails under CI=true: .ci/run installs
// python3-yaml).
func pyYAML(t *testing.T) string {
	t.Helper()
	python := testutil.LookPath(t, "python3")
	if out, err := exec.Command(python, "-c", "import yaml").CombinedOutput(); err != nil {
		testutil.MissingPeer(t, "python3 cannot import yaml (PyYAML; Debian: python3-yaml): "+strings.TrimSpace(string(out)))
	}
	return python
}

// yamlScalars are plain scalars whose meaning YAML 1.1 (PyYAML) and YAML 1.2 disagree on,
// or that PyYAML reads in a way easy to get wrong: every boolean form in its three cases,
// the forms that are not booleans (y, n, yES), YAML 1.1 integers (octal 010, binary, hex,
// underscores, sexagesimal 1:30), floats that need a dot (1e3 is a string), nulls.
var yamlScalars = []string{
	"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
	"true", "True", "TRUE", "false", "False", "FALSE",
	"y", "Y", "n", "N", "yES", "oN", "tRUE",
	"010", "0o10", "08", "0b101", "0x1F", "1_000", "1:30", "-1:30", "0:30", "+12", "-0",
	"1e3", "1.0e+3", "1.5", ".5", "1.", "-.inf", ".NaN", "1:30.5", "1_0.5",
	"~", "null", "Null", "NULL", "nULL",
	"INFO", "ext://sys.stdout", "cfg://a.b", "'quoted yes'", "\"on\"", "!!str yes", "!!int \"12\"",
}

// TestYAMLAsPyYAML decodes every form of yamlScalars with PyYAML's yaml.safe_load and with
// the package's decoder and requires the same value and type; and a document with a merge
// key, an alias and a repeated key.
func TestYAMLAsPyYAML(t *testing.T) {
	python := pyYAML(t)
	var doc strings.Builder
	for i, s := range yamlScalars {
		fmt.Fprintf(&doc, "k%d: %s\n", i, s)
	}
	doc.WriteString("base: &b {level: DEBUG, propagate: no}\nmerged:\n  <<: *b\n  propagate: yes\n  handlers: [a]\n  handlers: [b]\nalias: *b\n")
	const script = `
import json, math, sys, yaml
def tag(v):
    if isinstance(v, bool): return ["bool", v]
    if isinstance(v, int): return ["int", v]
    if isinstance(v, float): return ["float", "nan" if math.isnan(v) else repr(v)]
    if v is None: return ["null", None]
    if isinstance(v, str): return ["str", v]
    if isinstance(v, list): return ["list", [tag(e) for e in v]]
    return ["map", {k: tag(e) for k, e in v.items()}]
print(json.dumps(tag(yaml.safe_load(sys.stdin.read()))))
`
	cmd := exec.Command(python, "-c", script)
	cmd.Stdin = strings.NewReader(doc.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var want any
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	got, err := decodeYAML([]byte(doc.String()))
	if err != nil {
		t.Fatal(err)
	}
	g := tagValue(got)
	wm, gm := want.([]any)[1].(map[string]any), g[1].(map[string]any)
	for i, s := range yamlScalars {
		k := fmt.Sprintf("k%d", i)
		if !reflect.DeepEqual(wm[k], gm[k]) {
			t.Errorf("%s: PyYAML %v, config %v", s, wm[k], gm[k])
		}
	}
	for _, k := range []string{"base", "merged", "alias"} {
		if !reflect.DeepEqual(wm[k], gm[k]) {
			t.Errorf("%s: PyYAML %v, config %v", k, wm[k], gm[k])
		}
	}
}

// tagValue is the Python script's tag, in Go, over JSON-shaped values.
func tagValue(v any) []any {
	switch v := v.(type) {
	case bool:
		return []any{"bool", v}
	case int64:
		return []any{"int", float64(v)}
	case float64:
		if math.IsNaN(v) {
			return []any{"float", "nan"}
		}
		return []any{"float", pyFloatRepr(v)}
	case nil:
		return []any{"null", nil}
	case string:
		return []any{"str", v}
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = tagValue(e)
		}
		return []any{"list", out}
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			out[k] = tagValue(e)
		}
		return []any{"map", out}
	}
	return []any{"?", fmt.Sprint(v)}
}

func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == math.Trunc(f) && math.Abs(f) < 1e16:
		return fmt.Sprintf("%.1f", f)
	}
	return fmt.Sprint(f)
}

// TestYAMLBooleansLoad: a document using yes/no/on/off loads, meaning what it means to
// PyYAML (before, "propagate: yes" was refused: want a boolean, got "yes").
func TestYAMLBooleansLoad(t *testing.T) {
	l, err := ParseWith([]byte("version: 1\ndisable_existing_loggers: Off\nloggers:\n  app: {propagate: no, level: debug}\n  lib: {propagate: YES}\n"), Options{OnWarning: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if c := l.loggers["app"]; c.propagate {
		t.Error("propagate: no read as true")
	}
	if c := l.loggers["lib"]; !c.propagate {
		t.Error("propagate: YES read as false")
	}
}

// TestYAMLAliasBomb: aliases that expand without bound are refused, not expanded.
func TestYAMLAliasBomb(t *testing.T) {
	doc := "version: 1\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := range 8 {
		name := fmt.Sprintf("b%d", i)
		doc += fmt.Sprintf("%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", name, name, prev, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = name
	}
	_, err := decodeYAML([]byte(doc))
	if err == nil || !strings.Contains(err.Error(), "expands to more than") {
		t.Fatalf("err = %v", err)
	}
}
