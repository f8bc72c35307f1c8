package httpsink_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/httpsink"
	"github.com/slogx/handlers/slogx"
)

func ExampleNew() {
	got := make(chan string, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r.Header.Get("Content-Type") + " " + string(b)
	}))
	defer srv.Close()

	// Python's HTTPHandler: the record dict, urlencoded.
	h, err := httpsink.New(httpsink.Options{URL: srv.URL + "/log", Name: "app"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	slog.New(h).Warn("low disk", "free_mb", 12)
	h.Close()
	ctype, body, _ := strings.Cut(<-got, " ")
	form, _ := url.ParseQuery(body)
	fmt.Println(ctype, form.Get("name"), form.Get("levelname"), form.Get("levelno"), form.Get("msg"), form.Get("free_mb"))

	// NDJSON batches; credentials over plain http must be asked for explicitly.
	noTime := &slogx.Options{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	h, err = httpsink.New(httpsink.Options{URL: srv.URL + "/bulk", Format: httpsink.NDJSON,
		Username: "u", Password: "p", AllowInsecure: true, Delivery: netsink.Delivery{BatchRecords: 10, BatchInterval: 1e9}}, noTime)
	if err != nil {
		fmt.Println(err)
		return
	}
	slog.New(h).Info("one")
	slog.New(h).Info("two")
	h.Close()
	fmt.Print(<-got)

	_, err = httpsink.New(httpsink.Options{URL: "http://127.0.0.1/", Username: "u", Password: "p"}, nil)
	fmt.Println(err)
	// Output:
	// application/x-www-form-urlencoded app WARNING 30 low disk 12
	// application/x-ndjson {"level":"INFO","msg":"one"}
	// {"level":"INFO","msg":"two"}
	// netsink: http credentials over plain http refused (use https, or set AllowInsecure)
}
