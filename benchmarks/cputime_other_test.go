//go:build !unix

package benchmarks

// cpuTime is not available here; benchmarks report wall-clock ns/op only.
func cpuTime() (ns int64, ok bool) { return 0, false }
