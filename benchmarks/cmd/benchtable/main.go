// Command benchtable reads `go test -bench` output and prints a markdown table per benchmark
// group: median ns/op (with its spread), B/op, allocs/op and any other reported unit, and the
// ratio of ns/op (and of cpu-ns/op, the CPU time per op these benchmarks report, or any unit
// given with -ratio) to the group's baseline.
//
// Usage:
//
//	benchtable [-baseline PATTERN=NAME]... [-ratio ns/op,cpu-ns/op] [-primary ns/op] [file ...]
//
// With no files it reads standard input. A benchmark named Benchmark<group>/<impl>[-procs]
// belongs to <group> (everything before the last "/"); a table is printed per group and
// GOMAXPROCS. The baseline of a group is the first -baseline rule whose PATTERN
// (path.Match syntax) matches the group name — a PATTERN without "/" matches the group's first
// element, so Rotate=plain-file covers every Rotate/... group — then the built-in rules
// (Handle and Logger: slog-json, Rotate: plain-file, Queue: direct), and failing those the group's first
// implementation. See benchmarks/README.md.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchtable", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var flags rules
	fs.Var(&flags, "baseline", "`PATTERN=NAME`: groups matching PATTERN use NAME as baseline (repeatable; first match wins)")
	ratio := fs.String("ratio", "ns/op,cpu-ns/op", "comma-separated `units` to compare with the baseline, one column each (units a group lacks are skipped)")
	primary := fs.String("primary", "ns/op", "the `unit` shown first, with its spread, and compared first (run.sh: cpu-ns/op, the CPU time per op, which other jobs on the machine do not inflate)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var results []result
	cfg := config{}
	read := func(name string, r io.Reader) error {
		rs, c, err := parse(r)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		results = append(results, rs...)
		for k, vs := range c {
			for _, v := range vs {
				if !contains(cfg[k], v) {
					cfg[k] = append(cfg[k], v)
				}
			}
		}
		return nil
	}
	if fs.NArg() == 0 {
		if err := read("stdin", stdin); err != nil {
			return err
		}
	}
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		err = read(name, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	if len(results) == 0 {
		return fmt.Errorf("no benchmark results in input")
	}
	return render(stdout, groupResults(results), cfg, flags, strings.Split(*ratio, ","), *primary)
}
