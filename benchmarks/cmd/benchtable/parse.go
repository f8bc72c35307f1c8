package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// result is one benchmark line of `go test -bench` output.
type result struct {
	name   string             // full name without "Benchmark" and without the -N procs suffix
	procs  int                // GOMAXPROCS of the run (1 when the name had no suffix)
	values map[string]float64 // unit -> value, e.g. "ns/op" -> 123.4
}

// config is the key/value header go test prints before the results (goos, goarch, pkg, cpu).
type config map[string][]string

// parse reads `go test -bench` output (any number of runs, packages and -count repetitions
// concatenated) and returns every benchmark line in input order, plus the header lines.
// Lines that are not benchmark results (PASS, ok, log output) are skipped.
func parse(r io.Reader) ([]result, config, error) {
	var out []result
	cfg := config{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if k, v, ok := configLine(text); ok {
			if !contains(cfg[k], v) {
				cfg[k] = append(cfg[k], v)
			}
			continue
		}
		res, ok, err := parseLine(text)
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %w", line, err)
		}
		if ok {
			out = append(out, res)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("read benchmark output: %w", err)
	}
	return out, cfg, nil
}

func configLine(s string) (key, value string, ok bool) {
	for _, k := range []string{"goos", "goarch", "pkg", "cpu"} {
		if v, found := strings.CutPrefix(s, k+":"); found {
			return k, strings.TrimSpace(v), true
		}
	}
	return "", "", false
}

// parseLine parses "BenchmarkX/y-2   1000   123 ns/op   0 B/op   0 allocs/op". ok is false for
// lines that are not results at all; err is set for lines that look like results but are not
// well formed, so that a truncated file is noticed rather than half-read.
func parseLine(s string) (res result, ok bool, err error) {
	if !strings.HasPrefix(s, "Benchmark") {
		return result{}, false, nil
	}
	f := strings.Fields(s)
	// A result has a name, an iteration count and at least one value/unit pair. Anything
	// else starting with "Benchmark" (a benchmark's own log output, a "--- FAIL" header,
	// a name printed alone before a parallel run) is not a result.
	if len(f) < 4 || len(f)%2 != 0 {
		return result{}, false, nil
	}
	if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
		return result{}, false, nil
	}
	res = result{procs: 1, values: map[string]float64{}}
	res.name, res.procs = splitProcs(strings.TrimPrefix(f[0], "Benchmark"))
	for i := 2; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return result{}, false, fmt.Errorf("benchmark %s: value %q of %s: %w", f[0], f[i], f[i+1], err)
		}
		res.values[f[i+1]] = v
	}
	return res, true, nil
}

// splitProcs removes the "-N" suffix go test appends when GOMAXPROCS is not 1. That is why
// sub-benchmark names must not end in "-<digits>" themselves (README.md).
func splitProcs(name string) (string, int) {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || i == len(name)-1 {
		return name, 1
	}
	n, err := strconv.Atoi(name[i+1:])
	if err != nil || n <= 0 {
		return name, 1
	}
	return name[:i], n
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
