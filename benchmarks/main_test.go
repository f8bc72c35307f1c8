package benchmarks

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run when a test or benchmark leaves a goroutine behind: the queue
// benchmarks start listeners and consumers, the rotate ones background renames, and each must
// be closed after its loop.
func TestMain(m *testing.M) {
	// lumberjack v2.2.1 never stops its mill goroutine, even after Close (upstream bug; the
	// rotate package ignores it for the same reason).
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("gopkg.in/natefinch/lumberjack%2ev2.(*Logger).millRun"))
}
