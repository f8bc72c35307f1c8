package testpeer

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// ErrTooLarge is wrapped by Gunzip's error for content over its bound.
var ErrTooLarge = errors.New("too large once decompressed")

// Gunzip decompresses b (one gzip member or several), refusing more than max bytes: what a
// peer spends on a compression bomb is bounded by max, not by the ratio.
func Gunzip(b []byte, max int) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(max)+1))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if len(out) > max {
		return nil, fmt.Errorf("gzip: %w (over %d bytes)", ErrTooLarge, max)
	}
	return out, nil
}
