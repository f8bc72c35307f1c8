package sinks_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

func ExampleNewStream() {
	enc := slogx.MustPattern("%(levelname)s %(name)s: %(message)s", "")
	logger := slog.New(sinks.NewStream(os.Stdout, &slogx.Options{Encoder: enc}))
	logger.With(slogx.LoggerKey, "app").Warn("disk almost full")
	// Output: WARNING app: disk almost full
}

func ExampleNewFile() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.log")
	h, err := sinks.NewFile(path, sinks.FileOptions{}, &slogx.Options{Encoder: slogx.Text(),
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // stable output for the example
			}
			return a
		}})
	if err != nil {
		panic(err)
	}
	slog.New(h).Info("started", "port", 8080)
	h.Close()
	b, _ := os.ReadFile(path)
	fmt.Print(string(b))
	// Output: level=INFO msg=started port=8080
}

func ExampleNewWatchedFile() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.log")
	h, _ := sinks.NewWatchedFile(path, sinks.FileOptions{}, nil)
	logger := slog.New(h)
	logger.Info("before logrotate")
	os.Rename(path, path+".1")     // what logrotate does
	logger.Info("after logrotate") // reopens path
	h.Close()
	_, err := os.Stat(path)
	fmt.Println("new file exists:", err == nil)
	// Output: new file exists: true
}

func ExampleNull() {
	logger := slog.New(sinks.Null())
	logger.Info("nobody sees this, and it costs nothing")
	fmt.Println(logger.Enabled(context.Background(), slog.LevelError))
	// Output: false
}
