//go:build !unix

package rotate

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

// flock has no portable equivalent here: Lock is refused at construction.
type flock struct{}

const lockSupported = false

var errNoLock = errors.New("cross-process Lock needs flock, which GOOS " + runtime.GOOS + " lacks")

func openLock(path string, _ os.FileMode) (*flock, error) {
	return nil, fmt.Errorf("rotate %s: %w", path, errNoLock)
}

func (l *flock) lock() error  { return errNoLock }
func (l *flock) unlock()      {}
func (l *flock) close() error { return nil }

type identity struct{}

func fileIdentity(*os.File) (identity, error) { return identity{}, errNoLock }

func pathState(string, identity) (bool, int64, error) { return false, 0, errNoLock }

func (l *flock) readNext() (int64, bool) { return 0, false }
func (l *flock) writeNext(int64) error   { return errNoLock }

// holdShared is never called here: without flock, file.shared is false (Windows does not
// rename a file another process has open, so no writer holds a backup). holdExclusive always
// succeeds: recovery then removes every partial gzip, as if no other process compressed.
func holdShared(*os.File, string) (bool, error) { return true, nil }
func holdExclusive(*os.File) (bool, error)      { return true, nil }
