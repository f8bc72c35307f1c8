package benchmarks

// ---- Network sinks: hook, no benchmarks yet -----------------------------------------------
//
// netsink.NewSocket is not on this branch yet; its benchmarks go in this file once it is.
// Convention (see README.md):
//
//	BenchmarkSocket/<case>/raw-conn     the same frame written to a loopback net.Conn: the
//	                                    baseline, put first
//	BenchmarkSocket/<case>/slogx        netsink.NewSocket("127.0.0.1:<port>", ...) to an
//	                                    in-process netsink.Server (or a draining listener)
//
// Loopback only (127.0.0.1). Close the server and the handler after the loop so that the
// package stays goroutine-leak free.
