//go:build race

package benchmarks

// raceEnabled: the race detector makes sync.Pool drop items on purpose, so pooled code
// allocates and allocation counts mean nothing.
const raceEnabled = true
