// Command demo exercises slogx's handlers locally — files, rotation, queue, fan-out, sockets to
// an embedded collector, syslog, mail and HTTP to embedded servers — and prints what went where.
// Run it with `make demo`.
package main

import (
	"fmt"
	"io"
	"os"
)

// section is one part of the demo: it logs through some handlers, with temporary files under
// dir, and prints to out where the records went.
type section struct {
	title string
	run   func(out io.Writer, dir string) error
}

func main() {
	dir, err := os.MkdirTemp("", "slogx-demo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	failed := false
	for _, s := range sections() {
		fmt.Printf("\n=== %s\n", s.title)
		if err := s.run(os.Stdout, dir); err != nil {
			fmt.Printf("FAILED: %v\n", err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

func sections() []section {
	return []section{
		{"core: one handler shape, three encoders, Python levels", demoCore},
		{"sinks: stream, file, watched file, null", demoSinks},
		{"rotate: size (gzip), time (existing backup kept), two locked writers", demoRotate},
		{"queue and middleware: queue -> fanout -> console + memory -> file", demoQueue},
		{"wire: Socket and Datagram to an embedded collector (msgpack, acks, replay after a restart)", demoWire},
		{"syslog: RFC 5424, RFC 3164 and Python's format to an embedded listener", demoSyslog},
		{"mail and HTTP: SMTP (STARTTLS, AUTH, batching) and HTTP (Python form, NDJSON) to embedded servers", demoMailHTTP},
		{"eventlog: Windows event log (a clear error elsewhere)", demoEventLog},
		{"one core: a stalled collector never blocks a log call; Flush and Close through middleware", demoEngine},
		{"scaling out: Fluent Forward and OTLP to embedded stand-ins of Fluent Bit and the OTel Collector", demoScale},
		{"production: Sample (zap's sampler), ContextAttrs, LevelHandler, Console", demoProduction},
		{"failover: a collector that is down, a local file behind it", demoFailover},
		{"config: a Python dictConfig document through config.Parse", demoConfig},
	}
}
