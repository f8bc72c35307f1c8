package slogx_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/slogx/handlers/slogx"
)

// memoryExampleOptions writes logfmt without the time, so the examples' output is stable.
func memoryExampleOptions(level slog.Leveler) *slogx.Options {
	return &slogx.Options{
		Level:   level,
		Encoder: slogx.Text(),
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}
}

// Two handlers on one logger, as in Python: everything to one stream, errors also to another.
func ExampleFanout() {
	all := slogx.NewHandler(os.Stdout, memoryExampleOptions(slog.LevelDebug))
	var errs strings.Builder
	errorsOnly := slogx.NewHandler(&errs, memoryExampleOptions(slog.LevelError))
	logger := slog.New(slogx.Fanout(all, errorsOnly))

	logger.Info("started", "port", 8080)
	logger.Error("failed", "err", "disk full")
	fmt.Print("errors only: ", errs.String())
	// Output:
	// level=INFO msg=started port=8080
	// level=ERROR msg=failed err="disk full"
	// errors only: level=ERROR msg=failed err="disk full"
}

// A Filter drops records by content; here, health checks.
func ExampleFilter() {
	h := slogx.Filter(slogx.NewHandler(os.Stdout, memoryExampleOptions(nil)),
		func(_ context.Context, r slog.Record) bool { return r.Message != "health check" })
	logger := slog.New(h)
	logger.Info("health check")
	logger.Info("request", "path", "/users")
	// Output:
	// level=INFO msg=request path=/users
}

// A LevelFilter gives one handler its own level, which a LevelVar changes at run time.
func ExampleLevelFilter() {
	var level slog.LevelVar
	level.Set(slog.LevelWarn)
	h := slogx.LevelFilter(slogx.NewHandler(os.Stdout, memoryExampleOptions(slog.LevelDebug)), &level)
	logger := slog.New(h)
	logger.Info("hidden")
	level.Set(slog.LevelInfo)
	logger.Info("shown")
	// Output:
	// level=INFO msg=shown
}

// Memory keeps the debug records leading up to an error and writes them only when the error
// happens (Python's MemoryHandler with flushLevel=ERROR).
func ExampleMemory() {
	target := slogx.NewHandler(os.Stdout, memoryExampleOptions(slog.LevelDebug))
	mem := slogx.Memory(target, slogx.MemoryOptions{Capacity: 100, FlushLevel: slog.LevelError})
	defer mem.Close()
	logger := slog.New(mem)

	logger.Debug("open", "file", "a.txt")
	logger.Debug("read", "bytes", 0)
	fmt.Println("buffered:", mem.Len())
	logger.Error("empty file")
	// Output:
	// buffered: 2
	// level=DEBUG msg=open file=a.txt
	// level=DEBUG msg=read bytes=0
	// level=ERROR msg="empty file"
}

// A MemoryHandler created without a target buffers (up to Capacity) until SetTarget: records
// logged before the output is configured are not lost.
func ExampleMemoryHandler_SetTarget() {
	mem := slogx.Memory(nil, slogx.MemoryOptions{Capacity: 10})
	logger := slog.New(mem)
	logger.Info("early", "phase", "config")

	mem.SetTarget(slogx.NewHandler(os.Stdout, memoryExampleOptions(nil)))
	logger.Info("configured")
	if err := mem.Close(); err != nil { // flushes
		fmt.Println(err)
	}
	// Output:
	// level=INFO msg=early phase=config
	// level=INFO msg=configured
}
