package forward_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/slogx/handlers/netsink/forward"
)

// A forward.Handler sends to Fluentd, Fluent Bit or the Collector's fluentforward receiver. Here a
// few lines stand in for the server: they read PackedForward messages and acknowledge their
// chunks, which is when the Forward counts the records delivered.
func ExampleNew() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	served := make(chan string)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		d, tags, n := msgpack.NewDecoder(c), map[string]bool{}, 0
		for {
			var msg struct {
				_msgpack struct{} `msgpack:",as_array"`
				Tag      string
				Entries  []byte
				Option   struct {
					Size  int    `msgpack:"size"`
					Chunk string `msgpack:"chunk"`
				}
			}
			if d.Decode(&msg) != nil {
				break // the Forward closed the connection
			}
			tags[msg.Tag], n = true, n+msg.Option.Size
			ack, _ := msgpack.Marshal(map[string]string{"ack": msg.Option.Chunk})
			c.Write(ack)
		}
		served <- fmt.Sprintf("server: %d records, tags %v", n, tags)
	}()

	fwd, err := forward.New(ln.Addr().String(), forward.Options{
		Tag: "app.api",
		// SharedKey: "…", TLS: &tls.Config{…}, Compress: true,
	}, nil)
	if err != nil {
		panic(err)
	}
	logger := slog.New(fwd)
	logger.Info("user signed in", "user", "ada", slog.Group("req", "path", "/login", "took", 12*time.Millisecond))
	logger.Warn("slow query", "ms", 950)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fwd.Flush(ctx); err != nil { // waits for the ack
		panic(err)
	}
	fwd.Close()
	fmt.Println("delivered:", fwd.Stats().Records)
	fmt.Println(<-served)
	// Output:
	// delivered: 2
	// server: 2 records, tags map[app.api:true]
}
