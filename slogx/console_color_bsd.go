//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package slogx

import "golang.org/x/sys/unix"

const ioctlReadTermios = unix.TIOCGETA
