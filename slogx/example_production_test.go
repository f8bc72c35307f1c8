package slogx_test

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/slogx/handlers/slogx"
)

// Sample caps a burst of identical records: per level and message, the first 2 of each second
// pass, then every 3rd. A record that is dropped is counted.
func ExampleSample() {
	h := slogx.Sample(slogx.NewHandler(os.Stdout, memoryExampleOptions(nil)),
		slogx.SampleOptions{Tick: time.Second, First: 2, Thereafter: 3})
	logger := slog.New(h)
	for i := 1; i <= 10; i++ {
		logger.Info("cache miss", "n", i)
	}
	logger.Warn("cache miss") // another level, other counters
	fmt.Println("dropped:", h.Stats().Dropped)
	// Output:
	// level=INFO msg="cache miss" n=1
	// level=INFO msg="cache miss" n=2
	// level=INFO msg="cache miss" n=5
	// level=INFO msg="cache miss" n=8
	// level=WARN msg="cache miss"
	// dropped: 6
}
