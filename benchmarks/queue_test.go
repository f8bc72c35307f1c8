package benchmarks

// ---- Queue handler: hook, no benchmarks yet -----------------------------------------------
//
// queue.New is not on this branch yet; its benchmarks go in this file once it is.
// Convention (see README.md):
//
//	BenchmarkQueue/<overflow>/direct    the target handler called synchronously: the baseline,
//	                                    put first (no built-in rule: the first row is the baseline)
//	BenchmarkQueue/<overflow>/slogx     queue.New(target, queue.Options{Capacity, Overflow})
//
// with <overflow> one of block, drop-newest, drop-oldest, measured with b.RunParallel under
// -cpu 1,2 (DESIGN.md's target: producer cost under 150 ns with 2 producers). Close the queue
// after the loop and check Stats so dropped records are reported, not hidden.
