package sinks_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

// NewEventLog fails on platforms without an event log; a program that runs everywhere picks
// another handler when the error says so.
func ExampleNewEventLog() {
	var h slog.Handler
	el, err := sinks.NewEventLog("MyService", sinks.EventLogOptions{Install: true, EventID: 100},
		&slogx.Options{Level: slog.LevelWarn})
	switch {
	case errors.Is(err, sinks.ErrEventLogUnsupported):
		h = slog.NewTextHandler(os.Stderr, nil) // not Windows
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		return
	default:
		defer el.Close()
		h = el
	}
	slog.New(h).Warn("disk almost full", "mount", `C:\`, "pct", 97)
}

// The event type of each level, as Python's NTEventLogHandler maps them.
func ExampleDefaultEventType() {
	for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelInfo + 2,
		slog.LevelWarn, slog.LevelError, slogx.LevelCritical} {
		fmt.Printf("%-7v %v\n", l, sinks.DefaultEventType(l))
	}
	// Output:
	// DEBUG   information
	// INFO    information
	// INFO+2  information
	// WARN    warning
	// ERROR   error
	// ERROR+4 error
}

// An installer registers the source once, with administrator rights; the service then only
// opens it. The default message file is EventCreate.exe's.
func ExampleInstallEventSource() {
	if err := sinks.InstallEventSource("MyService", ""); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}

// An uninstaller removes the source; entries already written stay in the log, but the event
// viewer can no longer format them.
func ExampleRemoveEventSource() {
	if err := sinks.RemoveEventSource("MyService"); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}
