package nettest

import (
	"bytes"
	"compress/gzip"
)

// Gzip returns b compressed as one gzip member: what a client sends with Content-Encoding
// gzip, or in Forward's CompressedPackedForward.
func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b) // a bytes.Buffer does not fail
	_ = zw.Close()
	return buf.Bytes()
}
