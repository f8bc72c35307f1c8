//go:build aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos

package slogx

import "golang.org/x/sys/unix"

// colorTerminal reports whether fd is a terminal: one that has termios settings.
func colorTerminal(fd uintptr) bool {
	_, err := unix.IoctlGetTermios(int(fd), ioctlReadTermios)
	return err == nil
}
