package benchmarks

import (
	"fmt"
	"io"
	"testing"
)

// BenchmarkHandle measures the handler alone (see handleImpls).
//
// Names: BenchmarkHandle/<case>/<impl>, and 5attrs-parallel for the b.RunParallel variant of
// the 5-attribute case. slog-json is the baseline of every group.
func BenchmarkHandle(b *testing.B) {
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { run(b, handleImpls(c, io.Discard), false) })
	}
	b.Run("5attrs-parallel", func(b *testing.B) { run(b, handleImpls(cases[1], io.Discard), true) })
}

// BenchmarkLogger measures a call through each library's logger (see loggerImpls).
//
// Names: BenchmarkLogger/<case>/<impl>, and 5attrs-parallel for the b.RunParallel variant of
// the 5-attribute case. slog-json is the baseline of every group.
func BenchmarkLogger(b *testing.B) {
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { run(b, loggerImpls(c, io.Discard), false) })
	}
	b.Run("5attrs-parallel", func(b *testing.B) { run(b, loggerImpls(cases[1], io.Discard), true) })
}

// run runs one sub-benchmark per impl, in order (the table keeps that order).
func run(b *testing.B, impls []impl, parallel bool) {
	for _, im := range impls {
		b.Run(im.name, func(b *testing.B) { loop(b, parallel, im.op) })
	}
}

// loop runs op b.N times, serially or spread over GOMAXPROCS goroutines, reporting
// allocations and cpu-ns/op: the process's CPU time per op (all goroutines, GC included),
// which unlike wall-clock ns/op does not grow while the benchmark waits for a CPU that other
// jobs hold. Under RunParallel it is the CPU cost of one op summed over threads, so it is
// about GOMAXPROCS times ns/op. The indirect call to op costs the same few ns for every
// implementation.
func loop(b *testing.B, parallel bool, op func() error) {
	b.ReportAllocs()
	start, ok := cpuTime()
	if parallel {
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := op(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	} else {
		for b.Loop() {
			if err := op(); err != nil {
				b.Fatal(err)
			}
		}
	}
	if end, ok2 := cpuTime(); ok && ok2 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkPattern measures slogx's Python-style layout against its logfmt encoder on the
// 5attrs prepared record (see patternImpls).
//
// Names: BenchmarkPattern/5attrs/{slogx-text,slogx-pattern}; slogx-text, the first, is the
// baseline. Target: slogx-pattern at most 1.2x slogx-text, 0 allocs.
func BenchmarkPattern(b *testing.B) {
	b.Run("5attrs", func(b *testing.B) { run(b, patternImpls(io.Discard), false) })
}

// BenchmarkPerRequest measures a per-request logger: With of five key-values on the
// application's logger, then one record of two attributes, every op (see perRequestImpls).
//
// Names: BenchmarkPerRequest/with5_2attrs/<impl>; slog-json, the first, is the baseline.
// Target: slogx at most zap's allocations (6 per op).
func BenchmarkPerRequest(b *testing.B) {
	b.Run(perRequest.name, func(b *testing.B) { run(b, perRequestImpls(io.Discard), false) })
}

// BenchmarkMessage measures what a message's length costs: the noattrs record with a
// message of plain ASCII words of 16 and of 1,024 bytes (see messageImpls). The difference
// of a row between the two, divided by 1,008, is its cost per message byte, the figure
// `make bench-instr` prints for slogx JSON.
//
// Names: BenchmarkMessage/{16B,1024B}/<impl>; slog-json is the baseline.
func BenchmarkMessage(b *testing.B) {
	for _, n := range messageLens {
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) { run(b, messageImpls(n, io.Discard), false) })
	}
}
