//go:build !unix

package rotate

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestLockUnsupported(t *testing.T) {
	_, err := NewSize(filepath.Join(t.TempDir(), "a.log"), SizeOptions{Files: Files{Lock: true}})
	if !errors.Is(err, errNoLock) {
		t.Fatalf("NewSize with Lock: %v, want errNoLock", err)
	}
	_, err = NewTimed(filepath.Join(t.TempDir(), "a.log"), TimedOptions{Files: Files{Lock: true}})
	if !errors.Is(err, errNoLock) {
		t.Fatalf("NewTimed with Lock: %v, want errNoLock", err)
	}
}
