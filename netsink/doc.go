// Package netsink sends log/slog records over the network and receives them: Python's
// SocketHandler (Socket) and DatagramHandler (Datagram) with msgpack instead of pickle on
// the wire, and their receiver (Server), which also reads Python's own pickled records
// through an allowlist that never executes anything.
//
// It also holds what every network handler of this module shares: Delivery, the options of
// the delivery engine (a buffer bounded in bytes, one sender goroutine, batching, Python's
// Backoff, in-order replay of what was not acknowledged, one overflow policy, a bounded
// Close), and the errors they return. One package per protocol sits beside it:
// netsink/syslog (SysLogHandler), netsink/httpsink (HTTPHandler), netsink/smtp
// (SMTPHandler), netsink/forward (Fluent Forward) and netsink/otlp (OTLP/HTTP logs).
//
// A Socket's records reach the Server's handler once and in order: the Server acknowledges
// by sequence number, the Socket replays what was not acknowledged after a reconnect, and
// the Server's Dedup drops what it already handled. No log call waits on the network unless
// Delivery.Overflow is slogx.Block with an EnqueueTimeout, and then at most that long.
// Stats().Records counts records delivered — acknowledged by the Server — never records
// merely queued. A Datagram sends one datagram per record from the log call.
//
// Every constructor validates its options and returns an error for an unparsable address
// or a bad option; none of them connects: a collector that is down at start-up is not an
// error, records wait in a bounded buffer and losses are counted.
package netsink
