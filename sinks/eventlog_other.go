//go:build !windows

package sinks

import (
	"fmt"
	"runtime"

	"github.com/slogx/handlers/slogx"
)

// eventLogUnsupported wraps ErrEventLogUnsupported with the platform.
func eventLogUnsupported() error {
	return fmt.Errorf("%s/%s: %w", runtime.GOOS, runtime.GOARCH, ErrEventLogUnsupported)
}

// openEventSink fails: there is no event log here.
func openEventSink(string, EventLogOptions, *slogx.Reporter) (eventSink, error) {
	return nil, eventLogUnsupported()
}

// InstallEventSource registers an event source on Windows; here it returns an error wrapping
// ErrEventLogUnsupported.
func InstallEventSource(appName, dllname string) error {
	return fmt.Errorf("sinks: install event source %q: %w", appName, eventLogUnsupported())
}

// RemoveEventSource removes an event source on Windows; here it returns an error wrapping
// ErrEventLogUnsupported.
func RemoveEventSource(appName string) error {
	return fmt.Errorf("sinks: remove event source %q: %w", appName, eventLogUnsupported())
}
