package netsink

import (
	"github.com/slogx/handlers/netsink/internal/deliver"
	"github.com/slogx/handlers/netsink/internal/spool"
)

// ErrCloseTimeout is wrapped by the error Close returns when records were still undelivered
// at Delivery.CloseTimeout, from every handler on the delivery engine (Socket, stream syslog,
// forward, otlp, smtp, httpsink); those records are counted in Stats().Dropped and reported.
var ErrCloseTimeout = deliver.ErrCloseTimeout

// ErrSpoolLocked is wrapped by the error of a constructor given a Spool whose Dir another
// handler owns, in this process or another: a spool has one owner.
var ErrSpoolLocked = spool.ErrLocked

// ErrSpoolUnsupported is wrapped by the error of a constructor given a Spool on a system
// without one (Windows: no shared memory-mapped files with flock).
var ErrSpoolUnsupported = spool.ErrUnsupported
