package httpsink

import (
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

// FuzzHTTPForm proves that any message and attribute survive Python's form encoding: the body
// parses back (as Python's urllib.parse.parse_qs and Go's url.ParseQuery would) to the exact
// message and value, and no attribute can replace one of Python's fixed fields.
func FuzzHTTPForm(f *testing.F) {
	f.Add("hello", "user", "ann")
	f.Add("a&b=c", "levelname", "CRITICAL")
	f.Add("100% \x00\xff", "g.k", "x=y&z")
	f.Add("", "", "")
	f.Add("é 日本+", "_name", " ")
	enc := newHTTPFormEncoder("root", time.Now()).WithOptions(slogx.EncoderOptions{})
	f.Fuzz(func(t *testing.T, msg, key, val string) {
		r := slog.NewRecord(time.Unix(1700000000, 5e8), slog.LevelWarn, msg, 0)
		r.AddAttrs(slog.String(key, val))
		body := string(enc.Append(nil, r))
		q, err := url.ParseQuery(body)
		if err != nil {
			t.Fatalf("unparsable body %q: %v", body, err)
		}
		if q.Get("msg") != msg || q.Get("levelname") != "WARNING" || len(q["levelname"]) != 1 {
			t.Fatalf("fixed fields changed: %v", q)
		}
		if key == "" {
			return // slog drops attributes with an empty key
		}
		k := key
		for httpReserved(k) {
			k = "_" + k
		}
		if got := q[k]; len(got) == 0 || got[len(got)-1] != val {
			t.Fatalf("attr %q -> %q: got %q in %q", key, k, got, body)
		}
		if strings.ContainsAny(body, " \r\n") {
			t.Fatalf("unescaped byte in %q", body)
		}
	})
}
