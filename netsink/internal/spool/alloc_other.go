//go:build unix && !linux

package spool

import "os"

// allocate gives f size bytes of disk blocks by writing them (see alloc_linux.go for why).
func allocate(f *os.File, size int) error { return allocateByWriting(f, size) }
