package slogx_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/slogx/handlers/slogx"
)

// noTime drops the time so that example output is stable.
func noTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}

func ExampleNewHandler() {
	h := slogx.NewHandler(os.Stdout, &slogx.Options{ReplaceAttr: noTime})
	logger := slog.New(h).With("service", "api")
	logger.Info("listening", "port", 8080)
	logger.WithGroup("req").Warn("slow", "ms", 1200)
	// Output:
	// {"level":"INFO","msg":"listening","service":"api","port":8080}
	// {"level":"WARN","msg":"slow","service":"api","req":{"ms":1200}}
}

func ExampleText() {
	h := slogx.NewHandler(os.Stdout, &slogx.Options{Encoder: slogx.Text(), ReplaceAttr: noTime})
	slog.New(h).Info("hello world", "user", "gopher", slog.Group("req", "path", "/"))
	// Output: level=INFO msg="hello world" user=gopher req.path=/
}

func ExamplePattern() {
	enc, err := slogx.Pattern("%(levelname)-8s %(name)s: %(message)s [%(attrs)s]", "")
	if err != nil {
		panic(err)
	}
	logger := slog.New(slogx.NewHandler(os.Stdout, &slogx.Options{Encoder: enc, Level: slog.LevelDebug}))
	db := logger.With(slogx.LoggerKey, "app.db")
	db.Debug("query", "rows", 3)
	db.Error("connection lost")
	// Output:
	// DEBUG    app.db: query [logger=app.db rows=3]
	// ERROR    app.db: connection lost [logger=app.db]
}

func ExamplePythonLevel() {
	for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError, slogx.LevelCritical} {
		fmt.Println(l, slogx.PythonLevel(l), slogx.PythonLevelName(l))
	}
	// Output:
	// DEBUG 10 DEBUG
	// INFO 20 INFO
	// WARN 30 WARNING
	// ERROR 40 ERROR
	// ERROR+4 50 CRITICAL
}

func ExampleTextAttrs() {
	// Only the attributes, for sinks that carry time, level and message elsewhere.
	enc := slogx.TextAttrs().WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("req")
	r := slog.NewRecord(time.Time{}, slog.LevelInfo, "ignored", 0)
	r.AddAttrs(slog.String("path", "/x"), slog.Int("status", 200))
	fmt.Println(string(enc.Append(nil, r)))
	// Output: svc=api req.path=/x req.status=200
}

func ExampleNewReporter() {
	rep := slogx.NewReporter(func(err error) { fmt.Println("reported:", err) })
	err := rep.Error(errors.New("disk full"))
	rep.Error(err) // a middleware passing the same error on: counted, not reported again
	fmt.Println(rep.Errors(), slogx.IsReported(err))
	// Output:
	// reported: disk full
	// 2 true
}
