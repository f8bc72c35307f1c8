package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

// demoEventLog writes three records to the Windows event log as source "slogx-demo"
// (unregistered: no administrator rights needed, the viewer shows the text as a parameter).
// Elsewhere it shows the error NewEventLog returns instead of a silent no-op. dir is unused:
// the event log is the system's.
func demoEventLog(out io.Writer, dir string) error {
	h, err := sinks.NewEventLog("slogx-demo", sinks.EventLogOptions{EventID: 1},
		&slogx.Options{Level: slog.LevelDebug})
	if errors.Is(err, sinks.ErrEventLogUnsupported) {
		fmt.Fprintf(out, "eventlog: NewEventLog refused, as it must off Windows:\n  %v\n", err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("eventlog demo: %w", err)
	}
	l := slog.New(h).With("demo", "eventlog")
	l.Info("service started", "pid", 4242)
	l.Warn("disk almost full", "pct", 97)
	l.Error("backup failed", "err", "access denied")
	if err := h.Close(); err != nil {
		return fmt.Errorf("eventlog demo: %w", err)
	}
	st := h.Stats()
	fmt.Fprintf(out, "eventlog: %d records to the Application log as source slogx-demo "+
		"(information, warning, error), %d errors\n", st.Records, st.Errors)
	if st.Errors > 0 {
		return fmt.Errorf("eventlog demo: %d write errors", st.Errors)
	}
	return nil
}
