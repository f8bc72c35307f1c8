// Package forwardtest is a Fluent Forward server for tests, as net/http/httptest is an HTTP
// server: NewServer(t, forwardtest.Options{}) listens on a free loopback port, acknowledges
// every chunk, records each entry it receives (tag, time, record) and stops when the test
// ends. It reads all four modes of Forward protocol v1 (Message, Forward, PackedForward and
// CompressedPackedForward), runs the shared-key handshake when asked to, and can misbehave
// the ways a real server does — refuse connections, drop one before acknowledging, hold or
// never send acknowledgements, answer garbage — for tests of a client's resilience.
//
// It reads what a client sends as a server must read a network: every message is bounded in
// bytes (compressed and decompressed) and nesting, whatever its lengths claim; a message it
// cannot read ends its connection and is kept in Errors, never a panic.
package forwardtest
