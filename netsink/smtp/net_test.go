package smtp

import (
	"io"
	"net"
	"sync"
)

func smtpListenLoopback() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

func smtpDialLoopback(addr string) (net.Conn, error) { return net.Dial("tcp", addr) }

// pipe copies both ways until one side closes.
func smtpPipe(a, b net.Conn) {
	var wg sync.WaitGroup
	wg.Add(2)
	cp := func(dst, src net.Conn) {
		defer wg.Done()
		_, _ = io.Copy(dst, src)
		if tc, ok := dst.(interface{ CloseWrite() error }); ok {
			_ = tc.CloseWrite()
		} else {
			_ = dst.Close()
		}
	}
	go cp(a, b)
	go cp(b, a)
	wg.Wait()
}
