package netsink_test

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"

	"github.com/slogx/handlers/netsink"
)

// A Server's memory is bounded whatever its senders do: MaxDecodeBytes bounds the frames
// decoded and handled at once across connections (a reader waits for room), and decoding a
// frame may allocate at most 8 bytes per byte of it: here 16 MiB of frames, about 128 MiB
// of records being decoded. A frame denser than records are is refused and counted.
func ExampleServer_maxDecodeBytes() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &netsink.Server{Handler: exampleOut(), MaxDecodeBytes: 16 << 20, OnError: func(error) {}}
	go srv.Serve(ln)
	defer srv.Close()

	// {"v":1,"attrs":{"":nil, ... 10,000 times}}: 20 KB that would decode to 400 KB.
	p := []byte{0x82, 0xa1, 'v', 0x01, 0xa5, 'a', 't', 't', 'r', 's', 0xde, 0x27, 0x10}
	for range 10000 {
		p = append(p, 0xa0, 0xc0)
	}
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	c.Write(append(binary.BigEndian.AppendUint32(nil, uint32(len(p))), p...))
	io.Copy(io.Discard, c) // the Server closes the connection
	fmt.Println("too dense:", srv.Stats().TooDense)
	// Output: too dense: 1
}
