package netsink_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/slogx/handlers/netsink"
)

// exampleOut prints records without their time, so the output is stable.
func exampleOut() slog.Handler {
	return slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(gs []string, a slog.Attr) slog.Attr {
			if len(gs) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
}

// A Socket sends to a Server (the collector), which hands every record to its Handler.
func ExampleNewSocket() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &netsink.Server{Handler: exampleOut()}
	go srv.Serve(ln)
	defer srv.Close()

	sock, err := netsink.NewSocket(ln.Addr().String(), netsink.SocketOptions{}, nil)
	if err != nil {
		panic(err)
	}
	logger := slog.New(sock).With("app", "example")
	logger.Info("hello", "n", 1)
	logger.WithGroup("req").Warn("slow", "ms", 1500)

	// Flush waits for the collector's acknowledgements.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sock.Flush(ctx); err != nil {
		panic(err)
	}
	sock.Close()
	fmt.Printf("acknowledged: %d\n", sock.Stats().Records)
	// Output:
	// level=INFO msg=hello app=example n=1
	// level=WARN msg=slow app=example req.ms=1500
	// acknowledged: 2
}

// exampleSignal passes records on and signals each one.
type exampleSignal struct {
	slog.Handler
	ch chan struct{}
}

func (s exampleSignal) Handle(ctx context.Context, r slog.Record) error {
	defer func() { s.ch <- struct{}{} }()
	return s.Handler.Handle(ctx, r)
}

// A Datagram sends one UDP datagram per record; Server.ServePacket reads them.
func ExampleNewDatagram() {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	got := make(chan struct{}, 1)
	srv := &netsink.Server{Handler: exampleSignal{exampleOut(), got}}
	go srv.ServePacket(pc)
	defer srv.Close()

	dg, err := netsink.NewDatagram(pc.LocalAddr().String(), netsink.DatagramOptions{}, nil)
	if err != nil {
		panic(err)
	}
	defer dg.Close()
	slog.New(dg).Error("disk full", "free", 0)
	<-got // UDP gives no acknowledgement
	// Output:
	// level=ERROR msg="disk full" free=0
}

// With AcceptPickle, a Server also reads what Python's logging.handlers.SocketHandler sends:
// a 4-byte length and a pickled LogRecord dict, decoded without ever constructing objects.
func ExampleServer_acceptPickle() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	got := make(chan struct{}, 1)
	srv := &netsink.Server{Handler: exampleSignal{exampleOut(), got}, AcceptPickle: true}
	go srv.Serve(ln)
	defer srv.Close()

	// pickle.dumps({"name": "app", "msg": "from python", "levelno": 30, "lineno": 7}, 1)
	p := []byte("}q\x00(X\x04\x00\x00\x00nameq\x01X\x03\x00\x00\x00appq\x02X\x03\x00\x00\x00msgq\x03" +
		"X\x0b\x00\x00\x00from pythonq\x04X\x07\x00\x00\x00levelnoq\x05K\x1eX\x06\x00\x00\x00linenoq\x06K\x07u.")
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	c.Write(append([]byte{0, 0, 0, byte(len(p))}, p...))
	<-got
	// Output:
	// level=WARN msg="from python" name=app lineno=7
}

// EncodeRecord and DecodeRecord are the wire codec on their own.
func ExampleDecodeRecord() {
	r := slog.NewRecord(time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), slog.LevelInfo, "hi", 0)
	r.AddAttrs(slog.Duration("took", 1500*time.Millisecond), slog.Group("g", slog.Uint64("u", 1<<63)))
	b := netsink.EncodeRecord(nil, r)
	back, err := netsink.DecodeRecord(b)
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Time.UTC(), back.Level, back.Message)
	back.Attrs(func(a slog.Attr) bool {
		fmt.Println(a.Key, a.Value.Kind(), a.Value)
		return true
	})
	// Output:
	// 2026-01-02 03:04:05.000000006 +0000 UTC INFO hi
	// took Duration 1.5s
	// g Group [u=9223372036854775808]
}
