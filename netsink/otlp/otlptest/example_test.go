package otlptest_test

import (
	"fmt"
	"log"
	"log/slog"
	"testing"

	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/netsink/otlp/otlptest"
)

// In a test, NewReceiver takes the test's t: the receiver listens on a free loopback port
// and stops when the test ends; WaitRecords fails the test if the records do not come.
func ExampleNewReceiver() {
	testExport := func(t *testing.T) {
		rcv := otlptest.NewReceiver(t, otlptest.Options{})
		h, err := otlp.New(otlp.Options{URL: rcv.URL(), Resource: []slog.Attr{slog.String("service.name", "shop")}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		slog.New(h).Warn("stock low", "sku", "A-1")
		r := rcv.WaitRecords(1)[0]
		if r.Body != "stock low" || r.SeverityText != "WARN" || r.Attributes["sku"] != "A-1" || r.Resource["service.name"] != "shop" {
			t.Errorf("got %+v", r)
		}
	}
	_ = testExport // run by go test as func TestExport(t *testing.T)
}

// Outside a test, Start starts a receiver the caller closes. Respond makes it refuse the
// first request (503 with Retry-After: 0): the handler sends the batch again.
func ExampleStart() {
	rcv := otlptest.Start(otlptest.Options{})
	defer rcv.Close()
	rcv.Respond(1, otlptest.Response{Status: 503, RetryAfter: "0"})
	h, err := otlp.New(otlp.Options{URL: rcv.URL(), Protocol: "http/json"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	slog.New(h).Info("order placed", "order", 1042)
	if err := h.Close(); err != nil { // delivers (2xx) before it returns
		log.Fatal(err)
	}
	for _, req := range rcv.Requests() {
		fmt.Println(req.Status, len(req.Records), "record(s), JSON:", req.JSON)
	}
	for _, r := range rcv.Records() {
		fmt.Println(r.SeverityNumber, r.SeverityText, r.Body, r.Attributes["order"])
	}
	// Output:
	// 503 1 record(s), JSON: true
	// 200 1 record(s), JSON: true
	// 9 INFO order placed 1042
}
