package netsink

import (
	"github.com/slogx/handlers/netsink/internal/deliver"
)

// ErrCloseTimeout is wrapped by the error Close returns when records were still undelivered
// at Delivery.CloseTimeout, from every handler on the delivery engine (Socket, stream syslog,
// forward, otlp, smtp, httpsink); those records are counted in Stats().Dropped and reported.
var ErrCloseTimeout = deliver.ErrCloseTimeout
