package slogxtest_test

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/slogx/handlers/slogx/slogxtest"
)

// A Recorder keeps what the code under test logged, attributes resolved and keyed by their
// dotted group path.
func ExampleNewRecorder() {
	rec := slogxtest.NewRecorder()
	logger := slog.New(rec).With("svc", "api")

	logger.WithGroup("req").Warn("slow request", "id", 7, "ms", 1200)

	r, ok := rec.Find("slow request")
	fmt.Println(ok, r.Level, r.Attrs["svc"], r.Attrs["req.id"], r.Attrs["req.ms"].Int64() > 1000)
	// Output: true WARN api 7 true
}

// Records lists every record in order; Reset starts again.
func ExampleRecorder_Records() {
	rec := slogxtest.NewRecorder()
	logger := slog.New(rec)
	logger.Debug("connecting")
	logger.Info("connected", "addr", "127.0.0.1:5432")
	for _, r := range rec.Records() {
		fmt.Println(r.Level, r.Message, len(r.Attrs))
	}
	rec.Reset()
	fmt.Println(len(rec.Records()))
	// Output:
	// DEBUG connecting 0
	// INFO connected 1
	// 0
}

// In a test, NewLogger shows the logs of the code under test with that test's output only.
func ExampleNewLogger() {
	testServe := func(t *testing.T) {
		logger := slogxtest.NewLogger(t)
		logger.Info("listening", "port", 8080)
		// With -v or on failure, go test prints under the test's name:
		//     15:04:05.000 INFO  app/server_test.go:12 listening port=8080
	}
	_ = testServe
}
