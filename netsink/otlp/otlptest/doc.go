// Package otlptest is an OTLP/HTTP logs receiver for tests, as net/http/httptest is an HTTP
// server: NewReceiver(t, otlptest.Options{}) listens on a free loopback port, decodes every
// export request (protobuf or JSON, gzip or not) into records — times, severity, body,
// attributes, resource, scope, trace and span ids — answers 200, and stops when the test
// ends. Respond makes it answer the next requests otherwise: an error status, Retry-After, a
// partial success, a slow or held answer, a connection closed without one.
//
// Its decoder is written from the OTLP specification (opentelemetry-proto's logs.proto and
// the OTLP/JSON mapping), independently of netsink/otlp's encoder, so a test through it
// checks the encoder against the spec rather than against itself. It reads what a client
// sends as a server must read a network: bodies are bounded (as sent and decompressed),
// values bounded in nesting; a request it cannot decode is answered 400 with the reason and
// kept, with its error, in Requests — never a panic.
package otlptest
