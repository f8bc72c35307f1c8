//go:build windows

package slogx

import "golang.org/x/sys/windows"

// colorTerminal reports whether fd is a console that interprets ANSI sequences. A console
// that does not yet is switched to virtual terminal processing (Windows 10 and later); one
// that refuses (an older Windows) gets no color.
func colorTerminal(fd uintptr) bool {
	h := windows.Handle(fd)
	var mode uint32
	if windows.GetConsoleMode(h, &mode) != nil {
		return false
	}
	if mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
		return true
	}
	return windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) == nil
}
