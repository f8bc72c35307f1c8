package slogx_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/slogx/handlers/slogx"
)

// unreachable is a writer whose every Write fails, as a collector that refuses connections.
type unreachable struct{}

func (unreachable) Write([]byte) (int, error) { return 0, errors.New("collector unreachable") }

// Each record goes to the first handler that takes it: the primary's writer fails, so the
// record reaches the fallback.
func ExampleFailover() {
	primary := slogx.NewHandler(unreachable{}, &slogx.Options{
		OnError: func(err error) { fmt.Println("primary:", err) },
	})
	fallback := slogx.NewHandler(os.Stdout, memoryExampleOptions(nil))
	logger := slog.New(slogx.Failover(primary, fallback))
	defer slogx.Close(logger.Handler()) // closes both

	logger.Info("order placed", "id", 42)
	// Output:
	// primary: collector unreachable
	// level=INFO msg="order placed" id=42
}
