//go:build !windows

package sinks

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

// TestEventLogUnsupported checks that outside Windows every entry point fails loudly, with an
// error that names the platform and matches ErrEventLogUnsupported, instead of a no-op.
func TestEventLogUnsupported(t *testing.T) {
	h, err := NewEventLog("slogx-test", EventLogOptions{Install: true}, nil)
	if h != nil || !errors.Is(err, ErrEventLogUnsupported) {
		t.Fatalf("NewEventLog = %v, %v; want nil and ErrEventLogUnsupported", h, err)
	}
	for _, want := range []string{"slogx-test", runtime.GOOS + "/" + runtime.GOARCH, "windows"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	for name, err := range map[string]error{
		"InstallEventSource": InstallEventSource("slogx-test", ""),
		"RemoveEventSource":  RemoveEventSource("slogx-test"),
	} {
		if !errors.Is(err, ErrEventLogUnsupported) || !strings.Contains(err.Error(), "slogx-test") {
			t.Errorf("%s = %v, want ErrEventLogUnsupported naming the source", name, err)
		}
	}
}
