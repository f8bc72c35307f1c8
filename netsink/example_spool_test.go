//go:build unix

package netsink_test

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/slogx"
)

// A spool keeps what the collector has not acknowledged on disk: the next run of the
// application (after a deploy, a crash, an OOM kill) sends it first.
func ExampleSpool() {
	dir, err := os.MkdirTemp("", "spool")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	opts := netsink.SocketOptions{Delivery: netsink.Delivery{
		Spool:        netsink.Spool{Dir: dir, MaxBytes: 64 << 20, Sync: time.Second},
		CloseTimeout: 10 * time.Millisecond,
	}}
	quiet := &slogx.Options{OnError: func(error) {}}

	// The collector is down for the whole run: the record waits on disk.
	h, err := netsink.NewSocket("127.0.0.1:1", opts, quiet)
	if err != nil {
		fmt.Println(err)
		return
	}
	slog.New(h).Info("kept on disk", "order", 1234)
	h.Close()
	fmt.Println("first run, delivered:", h.Stats().Records)

	// The next run with the same Dir finds it, and sends it first once the collector is up.
	h, err = netsink.NewSocket("127.0.0.1:1", opts, quiet)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("second run, recovered:", h.Stats().Recovered)
	h.Close()
	// Output:
	// first run, delivered: 0
	// second run, recovered: 1
}
