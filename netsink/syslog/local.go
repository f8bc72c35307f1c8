package syslog

import (
	"context"
	"errors"
	"fmt"

	"github.com/slogx/handlers/netsink/internal/deliver"
)

// syslogLocal is the writer of "local" Syslog (no network given, a socket path): like
// Python's SysLogHandler it uses a datagram socket when the daemon has one and a stream
// otherwise. Which one is known only when the daemon answers, so records go to the datagram
// writer (which holds them during an outage) until a connection attempt finds only a stream
// socket; from then on, they and everything after go to the delivery engine.
type syslogLocal struct {
	dgram  *syslogConn
	eng    *deliver.Engine
	stream bool // set under the handler's lock by Write; Flush and Close may read it later
}

func (l *syslogLocal) Write(p []byte) (int, error) {
	if !l.stream {
		n, err := l.dgram.Write(p)
		if !errors.Is(err, errSyslogStream) {
			return n, err
		}
		l.stream = true
		for _, q := range l.dgram.takePending() {
			if _, err := l.eng.Write(q); err != nil {
				l.dgram.rep.Drop(1, fmt.Errorf("netsink: syslog %s: held record: %w", l.dgram.describe(), err))
			}
		}
	}
	return l.eng.Write(p)
}

// Delivered adds the datagrams sent to the records the engine delivered.
func (l *syslogLocal) Delivered() (records, bytes uint64) {
	r1, b1 := l.dgram.Delivered()
	r2, b2 := l.eng.Delivered()
	return r1 + r2, b1 + b2
}

func (l *syslogLocal) Flush(ctx context.Context) error { return l.eng.Flush(ctx) }

// Close closes both: no log call runs any more (slogx.Handler guarantees it).
func (l *syslogLocal) Close() error {
	return errors.Join(l.dgram.Close(), l.eng.Close())
}
