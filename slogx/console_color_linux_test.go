//go:build linux

package slogx_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

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
