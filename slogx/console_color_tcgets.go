//go:build aix || linux || solaris || zos

package slogx

import "golang.org/x/sys/unix"

const ioctlReadTermios = unix.TCGETS
