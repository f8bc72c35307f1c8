package forwardtest_test

import (
	"fmt"
	"log"
	"log/slog"
	"testing"

	"github.com/slogx/handlers/netsink/forward"
	"github.com/slogx/handlers/netsink/forward/forwardtest"
)

// In a test, NewServer takes the test's t: the server listens on a free loopback port and
// stops when the test ends; WaitEntries fails the test if the entries do not come.
func ExampleNewServer() {
	testShipping := func(t *testing.T) {
		srv := forwardtest.NewServer(t, forwardtest.Options{SharedKey: "s3cret"})
		h, err := forward.New(srv.Addr(), forward.Options{Tag: "shop", SharedKey: "s3cret"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		slog.New(h).Info("order placed", "order", 1042)
		e := srv.WaitEntries(1)[0]
		if e.Tag != "shop" || e.Record["order"] != int64(1042) {
			t.Errorf("got %+v", e)
		}
	}
	_ = testShipping // run by go test as func TestShipping(t *testing.T)
}

// Outside a test (a demo, a program's self-check), Start starts a server the caller closes.
// Drop makes it read a batch and close the connection before acknowledging it: the handler
// sends the batch again on a new connection, and counts it delivered once acknowledged.
func ExampleStart() {
	srv, err := forwardtest.Start(forwardtest.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.Drop(0, 1)
	h, err := forward.New(srv.Addr(), forward.Options{Tag: "shop"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	slog.New(h).Info("order placed", "order", 1042)
	if err := h.Close(); err != nil { // delivers, acknowledged, before it returns
		log.Fatal(err)
	}
	for _, e := range srv.Entries() {
		fmt.Println(e.Tag, e.Record["message"], e.Record["order"])
	}
	fmt.Println("connections:", srv.Connections(), "delivered:", h.Stats().Records)
	// Output:
	// shop order placed 1042
	// connections: 2 delivered: 1
}
