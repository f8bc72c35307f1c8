package otlp

import (
	"testing"

	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/otlp/otlptest"
)

// newReceiver starts an otlptest.Receiver for t and, for a test, checks that nothing is
// left running after the cleanups registered after it (the handler's).
func newReceiver(t testing.TB, o otlptest.Options) *otlptest.Receiver {
	if tt, ok := t.(*testing.T); ok {
		nettest.NoLeak(tt)
	}
	return otlptest.NewReceiver(t, o)
}

// nth returns request i (from 0) of rcv, waiting for it.
func nth(rcv *otlptest.Receiver, i int) otlptest.Request { return rcv.WaitRequests(i + 1)[i] }

// decoded returns the records of req, failing t if the receiver could not decode it.
func decoded(t testing.TB, req otlptest.Request) []otlptest.Record {
	t.Helper()
	if req.Err != nil {
		t.Fatalf("request %s: %v", req.Path, req.Err)
	}
	return req.Records
}
