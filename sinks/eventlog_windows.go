//go:build windows

package sinks

import (
	"errors"
	"fmt"
	"strings"

	"github.com/slogx/handlers/slogx"
	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
	"golang.org/x/sys/windows/svc/eventlog"
)

// eventSourcesKey is where the Application log's sources are registered.
const eventSourcesKey = `SYSTEM\CurrentControlSet\Services\EventLog\Application`

// winEventSink is a handle from RegisterEventSource.
type winEventSink struct {
	log *eventlog.Log
}

func (s *winEventSink) report(t EventType, category uint16, id uint32, msg []uint16) error {
	strs := [1]*uint16{&msg[0]}
	return windows.ReportEvent(s.log.Handle, uint16(t), category, id, 0, 1, 0, &strs[0], nil)
}

func (s *winEventSink) close() error { return s.log.Close() }

// openEventSink registers the source if asked and opens it for writing.
func openEventSink(source string, o EventLogOptions, rep *slogx.Reporter) (eventSink, error) {
	if o.Install {
		err := InstallEventSource(source, o.MessageFile)
		if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
			// As Python: a user without rights to the registry may still write to a
			// source an administrator registered. Say so once, but go on.
			rep.Error(err)
		} else if err != nil {
			return nil, err
		}
	}
	l, err := eventlog.Open(source)
	if err != nil {
		return nil, fmt.Errorf("sinks: register event source: %w", err)
	}
	return &winEventSink{log: l}, nil
}

// InstallEventSource registers appName as an event source of the Application log, with
// dllname as its message file (DefaultEventMessageFile when empty), as Python's
// win32evtlogutil.AddSourceToRegistry does for NTEventLogHandler: it supports the error,
// warning and information types. Installing an existing source updates it, so calling it at
// every start is fine. Writing the registry needs administrator rights; without them the
// error wraps windows.ERROR_ACCESS_DENIED. A dllname containing '%' is stored as REG_EXPAND_SZ.
func InstallEventSource(appName, dllname string) error {
	if appName == "" {
		return errors.New("sinks: install event source: empty name")
	}
	if dllname == "" {
		dllname = DefaultEventMessageFile
	}
	fail := func(err error) error { return fmt.Errorf("sinks: install event source %q: %w", appName, err) }
	sources, err := registry.OpenKey(registry.LOCAL_MACHINE, eventSourcesKey, registry.CREATE_SUB_KEY)
	if err != nil {
		return fail(err)
	}
	defer sources.Close()
	k, _, err := registry.CreateKey(sources, appName, registry.SET_VALUE)
	if err != nil {
		return fail(err)
	}
	defer k.Close()
	if strings.Contains(dllname, "%") {
		err = k.SetExpandStringValue("EventMessageFile", dllname)
	} else {
		err = k.SetStringValue("EventMessageFile", dllname)
	}
	if err == nil {
		err = k.SetDWordValue("TypesSupported", uint32(EventError|EventWarning|EventInformation))
	}
	if err == nil {
		err = k.SetDWordValue("CustomSource", 1)
	}
	if err != nil {
		return fail(err)
	}
	return nil
}

// RemoveEventSource deletes the registration InstallEventSource made. Removing a source that
// is not registered is an error that matches fs.ErrNotExist. Events already written stay in
// the log, but the event viewer can no longer format them.
func RemoveEventSource(appName string) error {
	if appName == "" {
		return errors.New("sinks: remove event source: empty name")
	}
	sources, err := registry.OpenKey(registry.LOCAL_MACHINE, eventSourcesKey, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("sinks: remove event source %q: %w", appName, err)
	}
	defer sources.Close()
	if err := registry.DeleteKey(sources, appName); err != nil {
		return fmt.Errorf("sinks: remove event source %q: %w", appName, err)
	}
	return nil
}
