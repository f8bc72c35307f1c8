//go:build race

package netsink_test

import "time"

// stalledBound under the race detector, which slows every call about tenfold and, on a
// 2-core machine, pauses the logging goroutine for up to ~150 ms now and then (measured:
// 50-150 ms in 1 run of 3, with or without GC). A Handle that waited on the network would
// wait for the 10 s write timeout or forever, so the bound still tells the two apart.
const stalledBound = 1 * time.Second
