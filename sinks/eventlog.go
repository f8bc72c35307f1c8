package sinks

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/slogx/handlers/slogx"
)

// ErrEventLogUnsupported is returned, wrapped with the operation and the platform, by
// NewEventLog, InstallEventSource and RemoveEventSource on every platform but Windows. The
// event log types exist everywhere so that code using them compiles everywhere; it must
// check the error (errors.Is) and pick another handler, because there is no silent no-op.
var ErrEventLogUnsupported = errors.New("the Windows event log is only available on windows")

// EventType is the type of a Windows event log entry. The values are those of the Windows API
// (EVENTLOG_ERROR_TYPE, EVENTLOG_WARNING_TYPE, EVENTLOG_INFORMATION_TYPE).
type EventType uint16

// The event types NTEventLogHandler uses.
const (
	EventError       EventType = 0x0001
	EventWarning     EventType = 0x0002
	EventInformation EventType = 0x0004
)

// String returns "error", "warning", "information" or the number.
func (t EventType) String() string {
	switch t {
	case EventError:
		return "error"
	case EventWarning:
		return "warning"
	case EventInformation:
		return "information"
	}
	return fmt.Sprintf("EventType(%d)", uint16(t))
}

// DefaultEventType maps a level to an event type as Python's NTEventLogHandler typemap does:
// DEBUG and INFO are information, WARNING is a warning, ERROR and CRITICAL are errors.
// Levels in between round down to the nearest of those: >= slog.LevelError is an error,
// >= slog.LevelWarn a warning, anything lower information. (Python maps a level missing from
// its typemap to an error; we keep the order of severities instead.)
func DefaultEventType(l slog.Level) EventType {
	switch {
	case l >= slog.LevelError:
		return EventError
	case l >= slog.LevelWarn:
		return EventWarning
	}
	return EventInformation
}

// DefaultEventMessageFile is the message file InstallEventSource registers when given no
// dllname: the one of EventCreate.exe, as x/sys/windows/svc/eventlog.InstallAsEventCreate
// does. Its messages 1..1000 are all "%1", so the event viewer shows our text as is. (Python
// uses win32service.pyd from pywin32, which plays the same role and is not on a Go system.)
const DefaultEventMessageFile = `%SystemRoot%\System32\EventCreate.exe`

// MaxEventMessage is the longest message, in UTF-16 code units, that one event carries
// (ReportEvent's limit for one insertion string). Longer records are cut to this length and
// end with EventTruncatedSuffix, so that the event is still written.
const MaxEventMessage = 31839

// EventTruncatedSuffix ends a message that was cut to MaxEventMessage.
const EventTruncatedSuffix = "...[truncated]"

// EventLogOptions configures NewEventLog. The zero value writes as source appName with event
// ID 1 and category 0, as Python's NTEventLogHandler does.
type EventLogOptions struct {
	// Source is the registered event source to report as. Empty means appName. Set it to
	// write under a source that an installer registered under another name.
	Source string

	// EventID is the event identifier of every record (Python's getMessageID). Zero means 1.
	// With DefaultEventMessageFile the identifier must be between 1 and 1000; with a message
	// file of your own it selects the message definition.
	EventID uint32

	// Category is the event category of every record (Python's getEventCategory); 0 is none.
	Category uint16

	// EventType maps a record's level to an event type (Python's typemap / getEventType).
	// Nil means DefaultEventType.
	EventType func(slog.Level) EventType

	// Install registers the source first, as Python's constructor does: it calls
	// InstallEventSource(source, MessageFile). As in Python, "access denied" (writing the
	// registry needs administrator rights) is not fatal: the source may be registered
	// already; it is reported through Options.OnError, counted in Stats.Errors, and the
	// handler is returned.
	// Any other installation error is returned.
	Install bool

	// MessageFile is the message file Install registers; empty means DefaultEventMessageFile.
	MessageFile string
}

// EventLog is a slog.Handler that writes each record as one entry of the Windows event log,
// Python's NTEventLogHandler. The entry's text is the record encoded with Options.Encoder
// (slogx.Text() when nil: key=value pairs read best in the event viewer); its type comes from
// the level (DefaultEventType), its ID and category from EventLogOptions.
//
// It is a slogx.Handler whose writer receives the level with each record (slogx.LevelWriter),
// so levels, Stats, Reporter and the idempotent Close are those of every other handler.
// Entries are written one at a time under the handler's mutex, so one goroutine's records keep
// their order. A failed ReportEvent is returned from Handle, counted and reported through
// Options.OnError. Options.Terminator and NoTerminator do not apply: an event is one record and
// needs no separator. Close releases the event log handle (DeregisterEventSource) but does not
// remove the source from the registry: the event viewer needs it to show the entries (Python's
// close does not either); RemoveEventSource does.
//
// On platforms other than Windows NewEventLog returns ErrEventLogUnsupported and no EventLog.
type EventLog struct {
	*slogx.Handler
}

// eventSink writes events; on Windows it is a registered event source handle.
type eventSink interface {
	// report writes one event; msg is NUL-terminated UTF-16.
	report(t EventType, category uint16, id uint32, msg []uint16) error
	close() error
}

// eventWriter turns one encoded record into one event; the Handler's mutex serializes it.
type eventWriter struct {
	sink     eventSink
	typ      func(slog.Level) EventType
	id       uint32
	category uint16
	u16      []uint16 // reused message buffer
}

func newEventWriter(o EventLogOptions) *eventWriter {
	w := &eventWriter{typ: o.EventType, id: o.EventID, category: o.Category}
	if w.typ == nil {
		w.typ = DefaultEventType
	}
	if w.id == 0 {
		w.id = 1
	}
	return w
}

// WriteLevel implements slogx.LevelWriter: the event type depends on the level.
func (w *eventWriter) WriteLevel(level slog.Level, p []byte) (int, error) {
	w.u16 = appendEventMessage(w.u16[:0], p)
	err := w.sink.report(w.typ(level), w.category, w.id, w.u16)
	if cap(w.u16) > 2*MaxEventMessage {
		w.u16 = nil // a huge record must not pin its buffer
	}
	if err != nil {
		return 0, fmt.Errorf("sinks: report event: %w", err)
	}
	return len(p), nil
}

// Write is WriteLevel at Info, for completeness: the Handler always calls WriteLevel.
func (w *eventWriter) Write(p []byte) (int, error) { return w.WriteLevel(slog.LevelInfo, p) }

func (w *eventWriter) Close() error {
	w.u16 = nil
	if err := w.sink.close(); err != nil {
		return fmt.Errorf("sinks: close event log: %w", err)
	}
	return nil
}

// NewEventLog returns a handler that writes to the Windows event log as source appName (or
// o.Source), registering the source first when o.Install is set. On other platforms it
// returns an error wrapping ErrEventLogUnsupported.
func NewEventLog(appName string, o EventLogOptions, opts *slogx.Options) (*EventLog, error) {
	if appName == "" && o.Source == "" {
		return nil, errors.New("sinks: event log: empty application name")
	}
	source := o.Source
	if source == "" {
		source = appName
	}
	h, err := slogx.Open(eventHandlerOptions(opts), func(rep *slogx.Reporter) (io.Writer, error) {
		sink, err := openEventSink(source, o, rep)
		if err != nil {
			return nil, fmt.Errorf("sinks: event log %q: %w", source, err)
		}
		w := newEventWriter(o)
		w.sink = sink
		return w, nil
	})
	if err != nil {
		return nil, err
	}
	return &EventLog{h}, nil
}

// newEventLog builds the handler around a writer whose sink is already set (tests use it
// with sinks that are not the event log).
func newEventLog(w *eventWriter, opts *slogx.Options) *EventLog {
	return &EventLog{slogx.NewHandler(w, eventHandlerOptions(opts))}
}

// eventHandlerOptions is opts with the event log's defaults: Text, no terminator.
func eventHandlerOptions(opts *slogx.Options) *slogx.Options {
	var ho slogx.Options
	if opts != nil {
		ho = *opts
	}
	if ho.Encoder == nil {
		ho.Encoder = slogx.Text()
	}
	ho.NoTerminator = true
	return &ho
}

// appendEventMessage appends msg as NUL-terminated UTF-16, the form ReportEvent takes.
// Invalid UTF-8 becomes U+FFFD, and so does NUL (it would end the string early and lose the
// rest of the record). A message longer than MaxEventMessage units is cut and ends with
// EventTruncatedSuffix, so the result never exceeds MaxEventMessage units plus the NUL.
func appendEventMessage(dst []uint16, msg []byte) []uint16 {
	limit := len(msg) // UTF-16 never needs more units than UTF-8 has bytes
	if limit > MaxEventMessage && utf16Len(msg) > MaxEventMessage {
		limit = MaxEventMessage - len(EventTruncatedSuffix)
	} else {
		limit = MaxEventMessage
	}
	n := 0
	for i := 0; i < len(msg); {
		r, size := utf8.DecodeRune(msg[i:])
		i += size
		if r == 0 {
			r = utf8.RuneError
		}
		units := utf16.RuneLen(r)
		if n+units > limit {
			for _, c := range EventTruncatedSuffix {
				dst = append(dst, uint16(c))
			}
			break
		}
		n += units
		if units == 2 {
			r1, r2 := utf16.EncodeRune(r)
			dst = append(dst, uint16(r1), uint16(r2))
		} else {
			dst = append(dst, uint16(r))
		}
	}
	return append(dst, 0)
}

// utf16Len returns the number of UTF-16 units msg converts to.
func utf16Len(msg []byte) int {
	n := 0
	for i := 0; i < len(msg); {
		r, size := utf8.DecodeRune(msg[i:])
		i += size
		n += utf16.RuneLen(r)
	}
	return n
}
