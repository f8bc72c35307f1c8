package forward

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/forward/forwardtest"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/slogx"
)

// A Forward server is a peer the application trusts with its logs, not with its process:
// whatever it answers, the client refuses the reply, reconnects, and goes on.

// hostileChildEnv names the scenario a child process of the test binary runs: a scenario
// that was fatal (a stack overflow cannot be recovered) must not take the suite with it.
const hostileChildEnv = "SLOGX_FORWARD_HOSTILE_CHILD"

// inChild runs the test named by t in a child process and reports whether the caller is
// that child (then it runs the scenario itself). The parent fails the test if the child
// did not pass.
func inChild(t *testing.T) bool {
	t.Helper()
	if os.Getenv(hostileChildEnv) == t.Name() {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), hostileChildEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		tail := out
		if len(tail) > 4096 {
			tail = tail[:4096] // a stack overflow prints a long trace: its head says enough
		}
		t.Fatalf("child process: %v\n%s", err, tail)
	}
	if !bytes.Contains(out, []byte("--- PASS: "+t.Name())) {
		t.Fatalf("child process did not run the test:\n%s", out)
	}
	return false
}

// nestedAck is an ack whose unknown field holds arrays nested depth deep.
func nestedAck(chunk string, depth int) []byte {
	b := []byte{0x82, 0xa1, 'x'}
	b = append(b, bytes.Repeat([]byte{0x91}, depth)...)
	b = append(b, 0xc0, 0xa3, 'a', 'c', 'k', 0xa0|byte(len(chunk)))
	return append(b, chunk...)
}

// deliverOnce logs one record through a Forward to srv, whose first reply is hostile, and
// checks that the record is delivered on a second connection and the reply was refused
// with an error containing want.
func deliverOnce(t *testing.T, srv *forwardtest.Server, o Options, want string) {
	t.Helper()
	errs := &fwdErrors{}
	o.Backoff = fastBackoff()
	f, err := New(srv.Addr(), o, &slogx.Options{OnError: errs.add})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	slog.New(f).Info("survives")
	if err := f.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	if st := f.Stats(); st.Records != 1 {
		t.Errorf("stats %+v, want the record delivered", st)
	}
	if !strings.Contains(errs.text(), want) {
		t.Errorf("errors %q, want one containing %q", errs.text(), want)
	}
}

// An ack nesting arrays 10^7 deep in an unknown field overflowed the stack (fatal).
func TestForwardDeepAck(t *testing.T) {
	if !inChild(t) {
		return
	}
	nettest.NoLeak(t)
	srv := forwardtest.NewServer(t, forwardtest.Options{})
	srv.SetReply(func(n int, chunk string) []byte {
		if n == 1 {
			return nestedAck(chunk, 10_000_000)
		}
		return nil
	})
	deliverOnce(t, srv, Options{}, "nested deeper than 16")
}

// A HELO nesting arrays 10^7 deep in an unknown option overflowed the stack (fatal).
func TestForwardDeepHelo(t *testing.T) {
	if !inChild(t) {
		return
	}
	helo := []byte{0x92, 0xa4, 'H', 'E', 'L', 'O', 0x81, 0xa1, 'x'}
	heloRefused(t, append(helo, bytes.Repeat([]byte{0x91}, 10_000_000)...), "nested deeper than 16")
}

// An ack with a 256 MiB string made the application hold 915 MB: a reply larger than its
// limit is refused from its length claim, before its bytes are read.
func TestForwardHugeAck(t *testing.T) {
	nettest.NoLeak(t)
	srv := forwardtest.NewServer(t, forwardtest.Options{})
	claim := []byte{0x82, 0xa1, 'x', 0xdb, 0x10, 0x00, 0x00, 0x00} // str32 of 256 MiB
	body := make([]byte, 8<<20)                                    // what the server sends of it
	srv.SetReply(func(n int, chunk string) []byte {
		if n == 1 {
			return append(claim, body...)
		}
		return nil
	})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	deliverOnce(t, srv, Options{AckTimeout: 5 * time.Second}, "reply exceeds its size limit (1024 bytes)")
	runtime.ReadMemStats(&after)
	// The server's own copy of the reply (8 MiB) is allocated in this process too.
	got := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d KiB in all, the server's 8 MiB reply included", got>>10)
	if got > 8<<20+2<<20 {
		t.Errorf("allocated %d MiB while refusing an 8 MiB reply", got>>20)
	}
}

// A HELO whose nonce claims 1 GiB is refused before it is read.
func TestForwardHugeHelo(t *testing.T) {
	heloRefused(t, []byte{0x92, 0xa4, 'H', 'E', 'L', 'O', 0x81, 0xa5, 'n', 'o', 'n', 'c', 'e', 0xc6, 0x40, 0, 0, 0},
		"reply exceeds its size limit (16384 bytes)")
}

// heloRefused opens a handshake with a server that sends helo, and checks that the client
// refuses it with an error containing want (and that Close then returns).
func heloRefused(t *testing.T, helo []byte, want string) {
	t.Helper()
	nettest.NoLeak(t)
	l := fwdListen(t)
	accepted := rawServer(t, l, helo)
	errs := &fwdErrors{}
	f, err := New(l.Addr().String(), Options{SharedKey: "k", Delivery: netsink.Delivery{Backoff: fastBackoff(), CloseTimeout: 100 * time.Millisecond}}, &slogx.Options{OnError: errs.add})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(f).Info("never delivered")
	<-accepted
	waitErrors(t, errs, want)
	f.Close()
}

// A reply that starts after every batch was acknowledged and never ends no longer holds the
// connection: it must end within AckTimeout.
func TestForwardStalledReplyWhenIdle(t *testing.T) {
	nettest.NoLeak(t)
	srv := forwardtest.NewServer(t, forwardtest.Options{})
	srv.SetReply(func(n int, chunk string) []byte {
		if n == 1 {
			ack := []byte{0x81, 0xa3, 'a', 'c', 'k', 0xa0 | byte(len(chunk))}
			ack = append(ack, chunk...)
			return append(ack, 0x81, 0xa3, 'a') // then the start of a reply, never finished
		}
		return nil
	})
	errs := &fwdErrors{}
	f, err := New(srv.Addr(), Options{AckTimeout: 50 * time.Millisecond, Delivery: netsink.Delivery{Backoff: fastBackoff()}}, &slogx.Options{OnError: errs.add})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	slog.New(f).Info("acked")
	if err := f.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	waitErrors(t, errs, "no ack within")
}

// With a server that sends its HELO slowly or never, Close returns within its own bound,
// not after the dial timeout: it took 2.8 s against a 1 s bound.
func TestForwardCloseDuringHandshake(t *testing.T) {
	for name, helo := range map[string][]byte{"never": nil, "one byte": {0x92}} {
		t.Run(name, func(t *testing.T) { closeDuringHandshake(t, helo) })
	}
}

func closeDuringHandshake(t *testing.T, helo []byte) {
	{
		nettest.NoLeak(t)
		l := fwdListen(t)
		accepted := rawServer(t, l, helo)
		f, err := New(l.Addr().String(), Options{
			SharedKey: "k", DialTimeout: time.Hour, Delivery: netsink.Delivery{CloseTimeout: 100 * time.Millisecond, Backoff: fastBackoff()},
		}, &slogx.Options{OnError: func(error) {}})
		if err != nil {
			t.Fatal(err)
		}
		slog.New(f).Info("stuck in the handshake")
		<-accepted
		done := make(chan error, 1)
		go func() { done <- f.Close() }()
		select {
		case err := <-done:
			if err == nil {
				t.Error("Close returned nil with a record undelivered")
			}
		case <-time.After(20 * time.Second): // the bound is 100 ms; the dial timeout an hour
			t.Fatal("Close did not return while the handshake waited")
		}
	}
}

// rawServer accepts one connection on l at a time, writes b, then reads until the client
// closes it. The channel is closed at the first accept.
func rawServer(t *testing.T, l net.Listener, b []byte) <-chan struct{} {
	accepted := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		first := true
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if first {
				close(accepted)
				first = false
			}
			if len(b) > 0 {
				_, _ = c.Write(b) // a client refusing the reply resets the connection
			}
			_, _ = io.Copy(io.Discard, c)
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return accepted
}

// waitErrors waits until an error containing want was reported.
func waitErrors(t *testing.T, errs *fwdErrors, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		text, changed := errs.watch()
		if strings.Contains(text, want) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("errors %q, want one containing %q", text, want)
		case <-changed:
		}
	}
}
