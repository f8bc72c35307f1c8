//go:build unix

package benchmarks

import "syscall"

// cpuTime returns the CPU time (user + system) the process has used so far. On a machine
// shared with other jobs, wall-clock ns/op includes the time the benchmark waited for a CPU;
// CPU time per op does not, which keeps comparisons within one run meaningful.
func cpuTime() (ns int64, ok bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
