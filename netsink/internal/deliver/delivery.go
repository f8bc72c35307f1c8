package deliver

import (
	"fmt"
	"time"

	"github.com/slogx/handlers/netsink/internal/spool"
	"github.com/slogx/handlers/slogx"
)

// backoffShape, spoolShape and deliveryShape are the layouts of netsink.Backoff,
// netsink.Spool and netsink.Delivery.
// netsink imports this package, so this package knows its public types by their shape: a
// field added to either struct stops FromDelivery from compiling until it is handled here,
// rather than being ignored.
type backoffShape = struct {
	Initial, Max time.Duration
	Factor       float64
}

type spoolShape = struct {
	Dir      string
	MaxBytes int64
	Sync     time.Duration
}

type deliveryShape[B ~backoffShape, S ~spoolShape] = struct {
	Buffer         int
	Overflow       slogx.Overflow
	EnqueueTimeout time.Duration
	BatchBytes     int
	BatchRecords   int
	BatchInterval  time.Duration
	MaxRetries     int
	Backoff        B
	CloseTimeout   time.Duration
	Spool          S
}

// Defaults are a protocol's values for the zero fields of a netsink.Delivery that have no
// common default.
type Defaults struct {
	BatchBytes   int // zero means DefaultMaxBatchBytes
	BatchRecords int // zero means no limit
	MaxRetries   int // negative means until delivered (acknowledged streams)
}

// FromDelivery returns the engine options of a handler named name (the prefix of its
// errors) configured with the netsink.Delivery d, whose zero fields take the common defaults
// (see netsink.Delivery) or def's. It refuses an unknown Overflow.
func FromDelivery[D ~deliveryShape[B, S], B ~backoffShape, S ~spoolShape](name string, d D, def Defaults) (Options, error) {
	s := deliveryShape[B, S](d)
	if !s.Overflow.Valid() {
		return Options{}, fmt.Errorf("%s: unknown overflow policy %v", name, s.Overflow)
	}
	b := backoffShape(s.Backoff)
	o := Options{
		Name:            name,
		Buffer:          s.Buffer,
		Overflow:        s.Overflow,
		EnqueueTimeout:  s.EnqueueTimeout,
		MaxBatchBytes:   s.BatchBytes,
		MaxBatchRecords: s.BatchRecords,
		BatchInterval:   s.BatchInterval,
		MaxRetries:      s.MaxRetries,
		CloseTimeout:    s.CloseTimeout,
		Backoff:         Backoff{Initial: b.Initial, Max: b.Max, Factor: b.Factor},
	}
	if sp := spoolShape(s.Spool); sp.Dir != "" {
		o.Spool = spool.Options{Dir: sp.Dir, MaxBytes: sp.MaxBytes, Sync: sp.Sync}
	} else if sp != (spoolShape{}) {
		return Options{}, fmt.Errorf("%s: a Spool needs a Dir", name)
	}
	if o.MaxBatchBytes <= 0 {
		o.MaxBatchBytes = def.BatchBytes
	}
	if o.MaxBatchRecords <= 0 {
		o.MaxBatchRecords = def.BatchRecords
	}
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = def.MaxRetries
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	if o.Spool.Dir != "" {
		// An outage is what the spool is for: a batch waits in it until delivered, or
		// refused for good.
		o.MaxRetries = -1
	}
	return o, nil
}
