// Package netsink sends records over the network — Python's SocketHandler, DatagramHandler,
// SysLogHandler, HTTPHandler and SMTPHandler — and receives them (Server), with msgpack
// instead of pickle on the wire.
//
// Every constructor validates its options and returns an error for a bad network, an
// unparsable address or credentials over plain text; none of them connects: a collector that
// is down at start-up is not an error, records wait in a bounded buffer and losses are counted.
package netsink
