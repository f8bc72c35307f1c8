//go:build linux

package slogx_test

import (
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/slogx/handlers/sinks"
	"github.com/slogx/handlers/slogx"
)

// openPTY opens a pseudo-terminal pair, or skips where there is no devpts.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetUint32(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("ptsname: %v", err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pts: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}

// TestConsoleColorAutoTerminal: ColorAuto colors for a real terminal, unless NO_COLOR is
// set or TERM is dumb, and decides once, at Console.
func TestConsoleColorAutoTerminal(t *testing.T) {
	_, pts := openPTY(t)
	colored := func(o slogx.ConsoleOptions) bool {
		return strings.Contains(consoleOut(t, o, nil, nil, rec(0, "m")), "\x1b[")
	}
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
	if !colored(slogx.ConsoleOptions{Writer: pts}) {
		t.Error("a terminal got no color")
	}
	if colored(slogx.ConsoleOptions{Writer: pts, Color: slogx.ColorNever}) {
		t.Error("ColorNever colored")
	}
	enc := slogx.Console(slogx.ConsoleOptions{Writer: pts})
	t.Setenv("NO_COLOR", "1")
	if colored(slogx.ConsoleOptions{Writer: pts}) {
		t.Error("NO_COLOR=1 colored")
	}
	if !colored(slogx.ConsoleOptions{Writer: pts, Color: slogx.ColorAlways}) {
		t.Error("ColorAlways did not color under NO_COLOR")
	}
	// The environment is read by Console, not per record.
	if got := string(enc.Append(nil, rec(0, "m"))); !strings.Contains(got, "\x1b[") {
		t.Errorf("an encoder built before NO_COLOR changed its mind: %q", got)
	}
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "dumb")
	if colored(slogx.ConsoleOptions{Writer: pts}) {
		t.Error("TERM=dumb colored")
	}
}

// TestConsoleColorAutoHandlerWriter: without ConsoleOptions.Writer, the Handler's own writer
// decides, when the Handler is built, through a wrapper too (sinks.NewStream's); a Writer
// given explicitly still decides.
func TestConsoleColorAutoHandlerWriter(t *testing.T) {
	master, pts := openPTY(t)
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	// colored logs one record through h and reads it back from r, the other end of h's
	// writer (the record is in the pty's or the pipe's buffer before the read).
	colored := func(h *slogx.Handler, r io.Reader) bool {
		slog.New(h).Info("m")
		b := make([]byte, 4096)
		n, err := r.Read(b)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Contains(string(b[:n]), "\x1b[")
	}
	for name, c := range map[string]struct {
		h    func(enc slogx.Encoder) *slogx.Handler
		r    io.Reader
		want bool
	}{
		"NewHandler(pty)": {func(enc slogx.Encoder) *slogx.Handler {
			return slogx.NewHandler(pts, &slogx.Options{Encoder: enc})
		}, master, true},
		"sinks.NewStream(pty)": {func(enc slogx.Encoder) *slogx.Handler {
			return sinks.NewStream(pts, &slogx.Options{Encoder: enc})
		}, master, true},
		"NewHandler(pipe)": {func(enc slogx.Encoder) *slogx.Handler {
			return slogx.NewHandler(pw, &slogx.Options{Encoder: enc})
		}, pr, false},
	} {
		if got := colored(c.h(slogx.Console(slogx.ConsoleOptions{})), c.r); got != c.want {
			t.Errorf("%s: colored %v, want %v", name, got, c.want)
		}
		// An explicit Writer decides instead of the handler's.
		if colored(c.h(slogx.Console(slogx.ConsoleOptions{Writer: pw})), c.r) {
			t.Errorf("%s with Writer a pipe: colored", name)
		}
		if !colored(c.h(slogx.Console(slogx.ConsoleOptions{Writer: pts})), c.r) {
			t.Errorf("%s with Writer a terminal: not colored", name)
		}
	}
	// The environment is read when the handler is built, not per record.
	h := slogx.NewHandler(pts, &slogx.Options{Encoder: slogx.Console(slogx.ConsoleOptions{})})
	t.Setenv("NO_COLOR", "1")
	if !colored(h, master) {
		t.Error("a handler built before NO_COLOR was set changed its mind")
	}
	if colored(slogx.NewHandler(pts, &slogx.Options{Encoder: slogx.Console(slogx.ConsoleOptions{})}), master) {
		t.Error("NO_COLOR=1 colored")
	}
}
