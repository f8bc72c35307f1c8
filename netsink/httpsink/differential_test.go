package httpsink

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

// TestDifferentialHTTPForm compares the attribute fields of the Python form body (dotted
// keys after the LogRecord fields) with slog's JSON flattened the same way.
func TestDifferentialHTTPForm(t *testing.T) {
	for _, c := range testutil.AttrCases() {
		enc := newHTTPFormEncoder("root", time.Now()).WithOptions(slogx.EncoderOptions{ReplaceAttr: testutil.AttrsOnly(c.ReplaceAttr)})
		for _, s := range c.Steps {
			if s.Group != "" {
				enc = enc.WithGroup(s.Group)
			} else {
				enc = enc.WithAttrs(s.Attrs)
			}
		}
		body := enc.Append(nil, c.Record())
		// The LogRecord fields come first: all of httpPythonKeys but message, asctime and
		// taskName, which Python's LogRecord does not set.
		pairs := strings.Split(string(body), "&")[len(httpPythonKeys)-3:]
		if len(body) == 0 || len(pairs) == 1 && pairs[0] == "" {
			pairs = nil
		}
		var got []string
		for _, p := range pairs {
			k, v, _ := strings.Cut(p, "=")
			k, _ = url.QueryUnescape(k)
			v, _ = url.QueryUnescape(v)
			switch v { // Python's str() of a bool
			case "True", "False":
				v = strings.ToLower(v)
			}
			got = append(got, k+"="+v)
		}
		var want []string
		for _, l := range c.WantLeaves(t, "\x1f") {
			if !strings.Contains(l[:strings.Index(l, "=")], "\x1f") {
				for httpReserved(l[:strings.Index(l, "=")]) {
					l = "_" + l
				}
			}
			want = append(want, strings.ReplaceAll(l, "\x1f", "."))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s:\nslog: %q\nform: %q", c.Name, want, got)
		}
	}
}
