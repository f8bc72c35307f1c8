// Package interop holds tests of slogx's network handlers against real peers too heavy for
// the main module: the OpenTelemetry Collector's receivers, run in process. It has no API.
package interop
