package httpsink

import (
	"net/url"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink/internal/nettest"
)

// Python's form body turns a self-containing value into a bounded record with a marker.
func TestHTTPFormSurvivesCycles(t *testing.T) {
	unescape := func(out []byte) string { s, _ := url.QueryUnescape(string(out)); return s }
	nettest.EncoderSurvivesCycles(t, newHTTPFormEncoder("n", time.Now()), unescape, nil)
}
