//go:build !unix

package spool

import "os"

// The spool needs shared memory-mapped files and flock; on systems without them (Windows,
// Plan 9, wasm) Open refuses with ErrUnsupported rather than offering a spool that could be
// shared by two owners or lose what a crash leaves in its buffers.

func supported() error { return ErrUnsupported }

func lockDir(string) (*os.File, error)                { return nil, ErrUnsupported }
func createSegment(string, int, bool) ([]byte, error) { return nil, ErrUnsupported }
func mapSegment(string, int) ([]byte, error)          { return nil, ErrUnsupported }
func mapFile(string, int) ([]byte, error)             { return nil, ErrUnsupported }
func munmap([]byte) error                             { return nil }
func msync([]byte) error                              { return nil }
func syncDir(string) error                            { return nil }
func touch([]byte, int, int)                          {}
