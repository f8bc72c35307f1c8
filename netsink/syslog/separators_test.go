package syslog

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

// LF framing escapes every byte a receiver may take for the end of a record: LF (rsyslog) and
// NUL (syslog-ng). A NUL inside a message must not let it forge a second record.
func TestSyslogLFEscapesNUL(t *testing.T) {
	got := string(syslogAppendLF(nil, []byte("<14>1 - - - - - - one\x00<13>1 - evil - - - - forged\nnext")))
	want := "<14>1 - - - - - - one#000<13>1 - evil - - - - forged#012next\n"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if strings.Count(got, "\n") != 1 || strings.IndexByte(got, 0) >= 0 {
		t.Fatalf("a separator survived: %q", got)
	}
}

// Through a real TCP stream: one record with NUL and LF arrives as exactly one LF-terminated
// line with no NUL in it.
func TestSyslogLFStreamNoNUL(t *testing.T) {
	syslogLeakCheck(t)
	srv := syslogNewStreamServer(t, syslogListenTCP(t))
	h, err := New(Options{Network: "tcp", Addr: srv.addr, Framing: LF}, nil)
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h).Info("one\x00<13>1 forged\nrest")
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	all := srv.waitFor(func(all []byte) bool { return bytes.HasSuffix(all, []byte("\n")) })
	if bytes.IndexByte(all, 0) >= 0 || bytes.Count(all, []byte("\n")) != 1 {
		t.Fatalf("stream %q: want one line, no NUL", all)
	}
	if !bytes.Contains(all, []byte("one#000<13>1 forged#012rest")) {
		t.Fatalf("stream %q: escapes missing", all)
	}
}

// A UDP record no datagram can carry is dropped on purpose, with its cause, as Datagram does:
// counted in Dropped, not in Errors.
func TestSyslogUDPOversizeIsDropped(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var reports []error
	h, err := New(Options{Network: "udp", Addr: pc.LocalAddr().String(), WriteTimeout: time.Second},
		&slogx.Options{OnError: func(err error) { reports = append(reports, err) }})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	r := slog.NewRecord(time.Now(), slog.LevelInfo, strings.Repeat("x", 70000), 0)
	err = h.Handle(context.Background(), r)
	if !errors.Is(err, slogx.ErrDropped) {
		t.Fatalf("Handle: %v, want an error wrapping slogx.ErrDropped", err)
	}
	if st := h.Stats(); st.Dropped != 1 || st.Errors != 0 || st.Records != 0 {
		t.Fatalf("stats %+v, want 1 dropped and no error", st)
	}
	if len(reports) != 1 || !strings.Contains(reports[0].Error(), "70") {
		t.Fatalf("reports %v", reports)
	}
	// The next record still goes out.
	if err := h.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelInfo, "small", 0)); err != nil {
		t.Fatal(err)
	}
}
