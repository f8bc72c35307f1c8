// Package fluentwire holds what both ends of Fluent's Forward protocol in this module read
// from a peer: a msgpack reader bounded in bytes and nesting (netsink/forward reads a
// server's replies with it, forwardtest a client's messages), and the handshake's digest.
package fluentwire
