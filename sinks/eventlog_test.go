package sinks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/slogx/handlers/internal/testutil"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"
	"time"
	"unicode/utf16"

	"github.com/slogx/handlers/slogx"
	"go.uber.org/goleak"
)

// These tests run the platform-independent part of EventLog on every OS through eventMemSink,
// which stands where ReportEvent is (the Win32 call itself is exercised by
// eventlog_windows_test.go on Windows or under wine). They check what the handler decides:
// event type, ID, category, message text, counting, closing.

type eventMemEvent struct {
	typ      EventType
	category uint16
	id       uint32
	msg      string
}

type eventMemSink struct {
	mu     sync.Mutex
	events []eventMemEvent
	fail   error
	closes int
}

func (s *eventMemSink) report(t EventType, category uint16, id uint32, msg []uint16) error {
	if len(msg) == 0 || msg[len(msg)-1] != 0 {
		return errors.New("message not NUL-terminated")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.events = append(s.events, eventMemEvent{t, category, id, string(utf16.Decode(msg[:len(msg)-1]))})
	return nil
}

func (s *eventMemSink) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closes++
	return nil
}

func (s *eventMemSink) all() []eventMemEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]eventMemEvent(nil), s.events...)
}

func newEventMemLog(o EventLogOptions, opts *slogx.Options) (*EventLog, *eventMemSink) {
	s := &eventMemSink{}
	w := newEventWriter(o)
	w.sink = s
	return newEventLog(w, opts), s
}

func TestEventLogDefaultEventType(t *testing.T) {
	cases := []struct {
		l    slog.Level
		want EventType
	}{
		// Python's typemap, through the module's Python level mapping.
		{slogx.FromPythonLevel(10), EventInformation}, // DEBUG
		{slogx.FromPythonLevel(20), EventInformation}, // INFO
		{slogx.FromPythonLevel(30), EventWarning},     // WARNING
		{slogx.FromPythonLevel(40), EventError},       // ERROR
		{slogx.FromPythonLevel(50), EventError},       // CRITICAL
		// In between and beyond.
		{slog.LevelDebug - 8, EventInformation},
		{slog.LevelInfo + 1, EventInformation},
		{slog.LevelWarn - 1, EventInformation},
		{slog.LevelWarn + 1, EventWarning},
		{slog.LevelError - 1, EventWarning},
		{slog.LevelError + 1, EventError},
		{slogx.LevelCritical + 20, EventError},
	}
	for _, c := range cases {
		if got := DefaultEventType(c.l); got != c.want {
			t.Errorf("DefaultEventType(%v) = %v, want %v", c.l, got, c.want)
		}
	}
}

func TestEventLogEventFields(t *testing.T) {
	defer goleak.VerifyNone(t)
	h, s := newEventMemLog(EventLogOptions{}, &slogx.Options{Level: slog.LevelDebug})
	l := slog.New(h)
	l.Debug("d")
	l.Info("i")
	l.Warn("w")
	l.Error("e")
	l.Log(context.Background(), slogx.LevelCritical, "c")
	want := []EventType{EventInformation, EventInformation, EventWarning, EventError, EventError}
	got := s.all()
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i, e := range got {
		if e.typ != want[i] || e.id != 1 || e.category != 0 {
			t.Errorf("event %d = %+v, want type %v, id 1 (Python's getMessageID), category 0", i, e, want[i])
		}
	}

	custom := func(l slog.Level) EventType { return EventWarning }
	h2, s2 := newEventMemLog(EventLogOptions{EventID: 77, Category: 3, EventType: custom}, nil)
	slog.New(h2).Info("x")
	if e := s2.all()[0]; e.id != 77 || e.category != 3 || e.typ != EventWarning {
		t.Errorf("event = %+v, want id 77, category 3, the custom type", e)
	}
}

// TestEventLogText checks that the default encoder is slogx.Text(), byte-identical to
// slog.TextHandler without its newline.
func TestEventLogText(t *testing.T) {
	h, s := newEventMemLog(EventLogOptions{}, nil)
	var want bytes.Buffer
	th := slog.NewTextHandler(&want, nil)
	for _, hh := range []slog.Handler{h, th} {
		r := slog.NewRecord(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), slog.LevelWarn, "disk \"almost\" full", 0)
		r.AddAttrs(slog.String("mount", "/var"), slog.Int("pct", 97))
		hh = hh.WithAttrs([]slog.Attr{slog.String("svc", "db")}).WithGroup("g")
		if err := hh.Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.all()[0].msg; got+"\n" != want.String() {
		t.Errorf("message\n%q\nwant slog.TextHandler's\n%q", got, want.String())
	}
	if st := h.Stats(); st.Records != 1 || st.Bytes != uint64(want.Len()-1) || st.Errors != 0 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestEventLogSlogtest(t *testing.T) {
	var s *eventMemSink
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		var h *EventLog
		h, s = newEventMemLog(EventLogOptions{}, &slogx.Options{Encoder: slogx.JSON()})
		return h
	}, func(t *testing.T) map[string]any {
		evs := s.all()
		if len(evs) != 1 {
			t.Fatalf("got %d events, want 1", len(evs))
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(evs[0].msg), &m); err != nil {
			t.Fatalf("event %q: %v", evs[0].msg, err)
		}
		return m
	})
}

func TestEventLogLevel(t *testing.T) {
	var lv slog.LevelVar
	lv.Set(slog.LevelWarn)
	h, s := newEventMemLog(EventLogOptions{}, &slogx.Options{Level: &lv})
	l := slog.New(h)
	l.Info("dropped by level")
	l.Warn("kept")
	lv.Set(slog.LevelDebug)
	l.Debug("kept too")
	if got := len(s.all()); got != 2 {
		t.Errorf("got %d events, want 2", got)
	}
	if h.Enabled(context.Background(), slog.LevelDebug-1) {
		t.Error("Enabled below the level")
	}
}

func TestEventLogReportError(t *testing.T) {
	boom := errors.New("ReportEvent failed")
	var reported []error
	h, s := newEventMemLog(EventLogOptions{}, &slogx.Options{OnError: func(err error) { reported = append(reported, err) }})
	s.fail = boom
	err := h.Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0))
	if !errors.Is(err, boom) {
		t.Fatalf("Handle = %v, want it to wrap %v", err, boom)
	}
	if len(reported) != 1 || !errors.Is(reported[0], boom) {
		t.Errorf("OnError got %v", reported)
	}
	if st := h.Stats(); st.Errors != 1 || st.Records != 0 || st.Dropped != 0 {
		t.Errorf("Stats = %+v, want 1 error", st)
	}
	s.fail = nil
	if err := h.Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0)); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
	if st := h.Stats(); st.Records != 1 {
		t.Errorf("Stats = %+v, want 1 record", st)
	}
}

func TestEventLogClose(t *testing.T) {
	h, s := newEventMemLog(EventLogOptions{}, &slogx.Options{OnError: func(error) {}})
	derived := h.WithAttrs([]slog.Attr{slog.Int("a", 1)}).WithGroup("g")
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if s.closes != 1 {
		t.Errorf("sink closed %d times, want 1", s.closes)
	}
	r := slog.NewRecord(time.Time{}, slog.LevelError, "late", 0)
	if err := derived.Handle(context.Background(), r); !errors.Is(err, slogx.ErrClosed) {
		t.Errorf("Handle after Close = %v, want ErrClosed", err)
	}
	if st := h.Stats(); st.Dropped != 1 || st.Records != 0 {
		t.Errorf("Stats = %+v, want 1 dropped", st)
	}
	if len(s.all()) != 0 {
		t.Error("event written after Close")
	}
}

func TestEventLogConcurrent(t *testing.T) {
	defer goleak.VerifyNone(t)
	h, s := newEventMemLog(EventLogOptions{}, nil)
	const workers, each = 8, 200
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := slog.New(h.WithAttrs([]slog.Attr{slog.Int("w", w)}))
			for i := range each {
				l.Info("m", "i", i)
			}
		}()
	}
	wg.Wait()
	if got := len(s.all()); got != workers*each {
		t.Errorf("got %d events, want %d", got, workers*each)
	}
	if st := h.Stats(); st.Records != workers*each {
		t.Errorf("Stats = %+v", st)
	}
}

func TestEventLogMessage(t *testing.T) {
	decode := func(u []uint16) string {
		if len(u) == 0 || u[len(u)-1] != 0 {
			t.Fatalf("not NUL-terminated: %v", u)
		}
		for _, c := range u[:len(u)-1] {
			if c == 0 {
				t.Fatalf("NUL inside message: %v", u)
			}
		}
		return string(utf16.Decode(u[:len(u)-1]))
	}
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"plain ascii", "plain ascii"},
		{"é 日本 😀", "é 日本 😀"},
		{"a\x00b", "a\uFFFDb"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	} {
		if got := decode(appendEventMessage(nil, []byte(c.in))); got != c.want {
			t.Errorf("appendEventMessage(%q) = %q, want %q", c.in, got, c.want)
		}
	}

	exact := strings.Repeat("x", MaxEventMessage)
	if got := decode(appendEventMessage(nil, []byte(exact))); got != exact {
		t.Errorf("a message of exactly MaxEventMessage units was changed (len %d)", len(got))
	}
	long := exact + "y"
	u := appendEventMessage(nil, []byte(long))
	got := decode(u)
	if len(u)-1 != MaxEventMessage || !strings.HasSuffix(got, EventTruncatedSuffix) ||
		got[:len(got)-len(EventTruncatedSuffix)] != long[:MaxEventMessage-len(EventTruncatedSuffix)] {
		t.Errorf("truncated message: %d units, suffix %q", len(u)-1, got[len(got)-20:])
	}
	// A surrogate pair is never split at the cut.
	astral := strings.Repeat("😀", MaxEventMessage)
	u = appendEventMessage(nil, []byte(astral))
	got = decode(u)
	if len(u)-1 > MaxEventMessage || strings.ContainsRune(got, utf16.Decode([]uint16{0xD83D})[0]) ||
		!strings.HasSuffix(got, EventTruncatedSuffix) {
		t.Errorf("astral truncation: %d units, tail %q", len(u)-1, got[len(got)-20:])
	}
	// Appends to what dst holds.
	if got := appendEventMessage([]uint16{'a'}, []byte("b")); len(got) != 3 || got[0] != 'a' || got[1] != 'b' {
		t.Errorf("append to dst = %v", got)
	}
}

func TestEventLogHandleAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items at random under -race; make test runs this without -race too")
	}
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "hello", 0)
	r.AddAttrs(slog.Int("a", 1), slog.String("b", "two"))
	ctx := context.Background()
	w := newEventWriter(EventLogOptions{})
	w.sink = eventDiscardSink{}
	h := newEventLog(w, nil)
	_ = h.Handle(ctx, r) // warm the buffers
	if n := testing.AllocsPerRun(100, func() { _ = h.Handle(ctx, r) }); n != 0 {
		t.Errorf("Handle allocates %v times per record, want 0", n)
	}
}

type eventDiscardSink struct{}

func (eventDiscardSink) report(EventType, uint16, uint32, []uint16) error { return nil }
func (eventDiscardSink) close() error                                     { return nil }

func TestNewEventLogEmptyName(t *testing.T) {
	if _, err := NewEventLog("", EventLogOptions{}, nil); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("NewEventLog(\"\") = %v, want an empty-name error", err)
	}
}

func TestEventTypeString(t *testing.T) {
	for typ, want := range map[EventType]string{EventError: "error", EventWarning: "warning",
		EventInformation: "information", 8: "EventType(8)"} {
		if got := typ.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", uint16(typ), got, want)
		}
	}
}

// BenchmarkEventLogHandle measures what EventLog adds before ReportEvent: encoding and the
// conversion to UTF-16 (the system call itself is not included).
func BenchmarkEventLogHandle(b *testing.B) {
	w := newEventWriter(EventLogOptions{})
	w.sink = eventDiscardSink{}
	h := newEventLog(w, nil)
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "request served", 0)
	r.AddAttrs(slog.String("method", "GET"), slog.String("path", "/api/v1/items"),
		slog.Int("status", 200), slog.Duration("took", 1234*time.Microsecond), slog.Bool("cached", true))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = h.Handle(ctx, r)
	}
}
