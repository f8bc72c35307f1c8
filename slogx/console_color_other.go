//go:build !(aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos || windows)

package slogx

// colorTerminal: no terminal detection here (plan9, js, wasip1): ColorAuto never colors.
func colorTerminal(uintptr) bool { return false }
