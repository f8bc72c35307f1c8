//go:build !unix

package netsink_test

import (
	"errors"
	"testing"

	"github.com/slogx/handlers/netsink"
)

// Without shared memory-mapped files and flock, a Spool is refused, not half honoured.
func TestSpoolUnsupported(t *testing.T) {
	_, err := netsink.NewSocket("127.0.0.1:1", netsink.SocketOptions{Delivery: netsink.Delivery{
		Spool: netsink.Spool{Dir: t.TempDir()}}}, nil)
	if !errors.Is(err, netsink.ErrSpoolUnsupported) {
		t.Fatalf("NewSocket with a Spool: %v, want ErrSpoolUnsupported", err)
	}
}
