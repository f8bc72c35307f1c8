package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/slogx/handlers/benchmarks
cpu: AMD EPYC
BenchmarkHandle/5attrs/slog-json         	 1000	       600.0 ns/op	       8 B/op	       1 allocs/op
BenchmarkHandle/5attrs/slogx-json        	 2000	       300.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkHandle/5attrs/slog-json-2       	 1000	       400.0 ns/op	       8 B/op	       1 allocs/op
BenchmarkHandle/5attrs/slogx-json-2      	 2000	       100.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkHandle/5attrs/slog-json         	 1000	       640.0 ns/op	       8 B/op	       1 allocs/op
BenchmarkHandle/5attrs/slogx-json        	 2000	       320.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkHandle/5attrs/slog-json         	 1000	       610.0 ns/op	       8 B/op	       1 allocs/op
BenchmarkHandle/5attrs/slogx-json        	 2000	       310.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkRotate/lumberjack               	  500	      2000 ns/op	  51.20 MB/s	     100 B/op	       2 allocs/op
BenchmarkRotate/plain-file               	  500	      1000 ns/op	 102.40 MB/s	       0 B/op	       0 allocs/op
BenchmarkPeer/block/chan                 	  500	       200 ns/op	       400 cpu-ns/op
BenchmarkPeer/block/slogx                	  500	       100 ns/op	       100 cpu-ns/op
BenchmarkAlone                           	  500	        42 ns/op
--- BENCH: BenchmarkSomething
    some_test.go:12: log output of a benchmark
PASS
ok  	github.com/slogx/handlers/benchmarks	12.3s
`

func table(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(args, strings.NewReader(sample), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestTable(t *testing.T) {
	got := table(t)
	for _, want := range []string{
		"cpu: AMD EPYC",
		"### Handle/5attrs, GOMAXPROCS=1\n",
		"| benchmark | ns/op | ± | B/op | allocs/op | vs slog-json |",
		// Median of 600, 640, 610 is 610; of 300, 320, 310 is 310; 310/610 = 0.51.
		"| slog-json | 610 | 5% | 8 | 1 | 1.00x |",
		"| slogx-json | 310 | 3% | 0 | 0 | 0.51x |",
		// GOMAXPROCS=2 runs are a group of their own, compared among themselves.
		"### Handle/5attrs, GOMAXPROCS=2\n",
		"| slogx-json | 100 | 0% | 0 | 0 | 0.25x |",
		// Built-in baseline for Rotate although plain-file is not first; extra units kept.
		"| benchmark | ns/op | ± | B/op | allocs/op | MB/s | vs plain-file |",
		"| lumberjack | 2000 | 0% | 100 | 2 | 51.2 | 2.00x |",
		// No rule for Peer: the first implementation is the baseline.
		// A second ratio column for cpu-ns/op, where the group reports it.
		"| benchmark | ns/op | ± | cpu-ns/op | vs chan | cpu-ns/op vs chan |",
		"| chan | 200 | 0% | 400 | 1.00x | 1.00x |",
		"| slogx | 100 | 0% | 100 | 0.50x | 0.25x |",
		"### (no sub-benchmarks), GOMAXPROCS=1",
		"| Alone | 42 | 0% | 1.00x |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Something") {
		t.Errorf("log output parsed as a result:\n%s", got)
	}
}

func TestBaselineFlag(t *testing.T) {
	got := table(t, "-baseline", "Handle/5attrs=slogx-json", "-baseline", "Peer/*=slogx", "-baseline", "Rotate=nope")
	for _, want := range []string{
		"| slog-json | 610 | 5% | 8 | 1 | 1.97x |",
		"| chan | 200 | 0% | 400 | 2.00x | 4.00x |",
		"| lumberjack | 2000 | 0% | 100 | 2 | 51.2 | n/a |",
		`Baseline "nope" is not in this group.`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
}

func TestBaselineRules(t *testing.T) {
	flags := rules{{"Handle/*-parallel", "zap"}}
	for _, tc := range []struct{ group, first, want string }{
		{"Handle/5attrs-parallel", "x", "zap"},
		{"Handle/5attrs", "x", "slog-json"},
		{"Logger/with5_5attrs", "x", "slog-json"},
		{"Rotate/sync", "x", "plain-file"},
		{"Queue/drop-newest", "chan", "direct"},
		{"Peer/block", "chan", "chan"},
		{"", "Alone", "Alone"},
	} {
		if got := baselineFor(tc.group, tc.first, flags); got != tc.want {
			t.Errorf("baselineFor(%q) = %q, want %q", tc.group, got, tc.want)
		}
	}
}

func TestBadInput(t *testing.T) {
	var out bytes.Buffer
	if err := run(nil, strings.NewReader("PASS\n"), &out, io.Discard); err == nil {
		t.Error("no error for input without results")
	}
	if err := run(nil, strings.NewReader("BenchmarkX 10 abc ns/op\n"), &out, io.Discard); err == nil {
		t.Error("no error for a malformed value")
	}
	if err := run([]string{"-baseline", "nodelimiter"}, strings.NewReader(sample), &out, io.Discard); err == nil {
		t.Error("no error for -baseline without =")
	}
}

func TestSplitProcs(t *testing.T) {
	for _, tc := range []struct {
		in    string
		name  string
		procs int
	}{
		{"Handle/5attrs/zap-2", "Handle/5attrs/zap", 2},
		{"Handle/5attrs-parallel/zap", "Handle/5attrs-parallel/zap", 1},
		{"Rotate/plain-file-16", "Rotate/plain-file", 16},
		{"X-", "X-", 1},
	} {
		if n, p := splitProcs(tc.in); n != tc.name || p != tc.procs {
			t.Errorf("splitProcs(%q) = %q, %d; want %q, %d", tc.in, n, p, tc.name, tc.procs)
		}
	}
}

func TestRatioFlag(t *testing.T) {
	got := table(t, "-ratio", "MB/s")
	for _, want := range []string{
		"| benchmark | ns/op | ± | B/op | allocs/op | MB/s | MB/s vs plain-file |",
		"| lumberjack | 2000 | 0% | 100 | 2 | 51.2 | 0.50x |",
		// Groups without MB/s get no ratio column at all.
		"| benchmark | ns/op | ± | B/op | allocs/op |\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
}

func TestPrimaryFlag(t *testing.T) {
	got := table(t, "-primary", "cpu-ns/op")
	for _, want := range []string{
		"± is the largest deviation of cpu-ns/op from the median",
		// cpu-ns/op first, with its spread, and its ratio first.
		"| benchmark | cpu-ns/op | ± | ns/op | cpu-ns/op vs chan | vs chan |",
		"| slogx | 100 | 0% | 100 | 0.25x | 0.50x |",
		// A group without cpu-ns/op keeps ns/op as its primary unit.
		"| benchmark | ns/op | ± | B/op | allocs/op | vs slog-json |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
}
