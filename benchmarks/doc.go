// Package benchmarks measures slogx handlers side by side with log/slog's own handlers, zap
// (native and through its slog bridge) and zerolog, on the same fields and the same io.Discard
// writer, so that one run gives comparable numbers.
//
// It is its own module (replace ../) so that zap and zerolog never enter the main module's
// go.mod. Everything lives in _test.go files: `go test -bench .` runs the benchmarks, plain
// `go test` runs the checks that the libraries are doing equal work. run.sh runs the whole
// suite and prints a table with cmd/benchtable; README.md documents the naming convention
// the table relies on.
package benchmarks
