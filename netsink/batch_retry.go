package netsink

import (
	"context"
	"fmt"
	"time"
)

// batchPermanent marks an error that retrying cannot fix (an HTTP 4xx, an SMTP 5yz reply).
type batchPermanent struct{ err error }

func (p batchPermanent) Error() string { return p.err.Error() }
func (p batchPermanent) Unwrap() error { return p.err }

// batchRetry calls attempt until it succeeds, returns a batchPermanent error, or has failed
// maxRetries+1 times, waiting between attempts as b says (a copy: each batch starts afresh).
// It returns early with the last error when ctx ends (Close gave up waiting).
func batchRetry(ctx context.Context, b Backoff, maxRetries int, attempt func(context.Context) error) error {
	var err error
	for i := 0; ; i++ {
		err = attempt(ctx)
		if err == nil {
			return nil
		}
		if p, ok := err.(batchPermanent); ok {
			return p.err
		}
		if i >= maxRetries {
			if i > 0 {
				return fmt.Errorf("%w (gave up after %d attempts)", err, i+1)
			}
			return err
		}
		now := time.Now()
		t := time.NewTimer(b.Failed(now).Sub(now))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		}
	}
}

// batchMaxRetries resolves the MaxRetries option: zero means 3, negative means none.
func batchMaxRetries(n int) int {
	switch {
	case n == 0:
		return 3
	case n < 0:
		return 0
	}
	return n
}
