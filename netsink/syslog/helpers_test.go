package syslog

import (
	"bytes"
	"net"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// syslogLeakCheck fails t if goroutines started during the test outlive it. Register it
// first so that it runs after every other cleanup.
func syslogLeakCheck(t *testing.T) {
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

// syslogRequirePeer skips (locally) or fails (CI=true) when a real peer is missing.
func syslogRequirePeer(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// syslogDgramServer is a real datagram socket (udp on 127.0.0.1 or unixgram) that the test
// reads synchronously, with a deadline.
type syslogDgramServer struct {
	t    *testing.T
	conn net.PacketConn
	addr string
}

func syslogNewUDPServer(t *testing.T) *syslogDgramServer {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return &syslogDgramServer{t: t, conn: pc, addr: pc.LocalAddr().String()}
}

func syslogNewUnixgramServer(t *testing.T, path string) *syslogDgramServer {
	t.Helper()
	pc, err := net.ListenPacket("unixgram", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return &syslogDgramServer{t: t, conn: pc, addr: path}
}

// recv returns the next datagram, failing the test after 5 s.
func (s *syslogDgramServer) recv() []byte {
	s.t.Helper()
	buf := make([]byte, 64<<10)
	s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, err := s.conn.ReadFrom(buf)
	if err != nil {
		s.t.Fatalf("receive datagram: %v", err)
	}
	return buf[:n]
}

// syslogStreamServer accepts stream connections on 127.0.0.1 and collects every byte
// received, per connection, until closed.
type syslogStreamServer struct {
	t     *testing.T
	ln    net.Listener
	addr  string
	mu    sync.Mutex
	cond  *sync.Cond
	conns []*bytes.Buffer
	live  []net.Conn
	wg    sync.WaitGroup
}

func syslogNewStreamServer(t *testing.T, ln net.Listener) *syslogStreamServer {
	s := &syslogStreamServer{t: t, ln: ln, addr: ln.Addr().String()}
	s.cond = sync.NewCond(&s.mu)
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.close)
	return s
}

func (s *syslogStreamServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		buf := &bytes.Buffer{}
		s.conns = append(s.conns, buf)
		s.live = append(s.live, c)
		s.cond.Broadcast()
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			b := make([]byte, 4096)
			for {
				n, err := c.Read(b)
				s.mu.Lock()
				buf.Write(b[:n])
				s.cond.Broadcast()
				s.mu.Unlock()
				if err != nil {
					c.Close()
					return
				}
			}
		}()
	}
}

// dropConnections closes every accepted connection (a daemon restart, seen from the client).
func (s *syslogStreamServer) dropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.live {
		c.Close()
	}
	s.live = nil
}

func (s *syslogStreamServer) close() {
	s.ln.Close()
	s.dropConnections()
	s.wg.Wait()
}

// waitFor waits (up to 5 s) until ok holds for the bytes of all connections, in order.
func (s *syslogStreamServer) waitFor(ok func(all []byte) bool) []byte {
	s.t.Helper()
	deadline := time.AfterFunc(5*time.Second, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer deadline.Stop()
	start := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		var all []byte
		for _, b := range s.conns {
			all = append(all, b.Bytes()...)
		}
		if ok(all) {
			return all
		}
		if time.Since(start) >= 5*time.Second {
			s.t.Fatalf("stream server: condition not met in 5s; got %q", all)
		}
		s.cond.Wait()
	}
}

// numConns returns how many connections were accepted.
func (s *syslogStreamServer) numConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// syslogSplitOctets splits octet-counted frames; rest is an incomplete tail.
func syslogSplitOctets(b []byte) (frames [][]byte, rest []byte, ok bool) {
	for len(b) > 0 {
		sp := bytes.IndexByte(b, ' ')
		if sp < 0 {
			return frames, b, true
		}
		n, err := strconv.Atoi(string(b[:sp]))
		if err != nil || n <= 0 {
			return frames, b, false
		}
		if len(b) < sp+1+n {
			return frames, b, true
		}
		frames = append(frames, b[sp+1:sp+1+n])
		b = b[sp+1+n:]
	}
	return frames, nil, true
}

// syslogFixedTime is the time of every record in exact-bytes tests.
var syslogFixedTime = time.Date(2026, 11, 26, 9, 8, 7, 123456789, time.FixedZone("", 3600+1800))
