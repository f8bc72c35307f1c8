// Package wire is the msgpack codec of the netsink handlers: the record encoding of Socket,
// Datagram and Server (a versioned map, framed with a 4-byte length, acknowledged by
// sequence; see frame.go), the decoder a Server runs on what it reads from the network
// (bounded in size and depth), and the same writer in Fluent's Forward layout (EventTime,
// plain msgpack values) for netsink/forward.
package wire
