// Package netsink sends records over the network — Python's SocketHandler, DatagramHandler,
// SysLogHandler, HTTPHandler and SMTPHandler — and receives them (Server), with msgpack
// instead of pickle on the wire.
//
// Every handler is a slogx.Handler. Socket, stream Syslog (tcp, tcp+tls, unix), HTTP and SMTP
// write into one delivery engine: a buffer bounded in bytes, one sender goroutine that
// connects lazily, batches, reconnects on Python's backoff and replays what was not
// acknowledged, in order. No log call waits on the network unless the handler's Overflow is
// slogx.Block with an EnqueueTimeout, and then at most that long. UDP Syslog and Datagram send
// one datagram per record from the log call. Stats().Records counts records delivered —
// acknowledged by a Server, answered 2xx, accepted by the mail server, written to the
// daemon's stream — never records merely queued.
//
// Every constructor validates its options and returns an error for a bad network, an
// unparsable address or credentials over plain text; none of them connects: a collector that
// is down at start-up is not an error, records wait in a bounded buffer and losses are counted.
package netsink
