package queue_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/slogx/handlers/queue"
	"github.com/slogx/handlers/slogx"
)

// A queue in front of a handler: logging returns as soon as the record is queued; Close
// delivers everything accepted before returning.
func ExampleNew() {
	// q.Close closes its target, and a slogx.Handler closes its writer: hide os.Stdout's Close.
	stdout := struct{ io.Writer }{os.Stdout}
	out := slogx.NewHandler(stdout, &slogx.Options{
		Encoder: slogx.Text(),
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{} // stable example output
			}
			return a
		},
	})
	q := queue.New(out, queue.Options{Capacity: 1000, Overflow: queue.DropNewest})
	logger := slog.New(q).With("svc", "api")
	for i := range 3 {
		logger.Info("request", "n", i)
	}
	if err := q.Flush(context.Background()); err != nil { // wait for the three records
		fmt.Println(err)
	}
	fmt.Println("flushed")
	if err := q.Close(); err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%+v\n", q.Stats())
	// Output:
	// level=INFO msg=request svc=api n=0
	// level=INFO msg=request svc=api n=1
	// level=INFO msg=request svc=api n=2
	// flushed
	// {Records:3 Bytes:0 Errors:0 Dropped:0 Recovered:0}
}
