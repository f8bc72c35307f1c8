package netsink_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/forward"
	"github.com/slogx/handlers/netsink/httpsink"
	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/netsink/smtp"
	"github.com/slogx/handlers/netsink/syslog"
	"github.com/slogx/handlers/slogx"
)

// Every handler on the delivery engine ends Close with an error wrapping ErrCloseTimeout
// when records were still undelivered at Delivery.CloseTimeout, and counts them as dropped:
// here the peer's port is closed, so nothing can be delivered.
func TestCloseTimeoutEveryEngineHandler(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	d := netsink.Delivery{CloseTimeout: 10 * time.Millisecond}
	quiet := func() *slogx.Options { return &slogx.Options{OnError: func(error) {}} }
	type handler interface {
		slog.Handler
		io.Closer
		Stats() slogx.Stats
	}
	for _, tc := range []struct {
		name string
		open func() (handler, error)
	}{
		{"socket", func() (handler, error) {
			return netsink.NewSocket(addr, netsink.SocketOptions{Delivery: d}, quiet())
		}},
		{"syslog tcp", func() (handler, error) {
			return syslog.New(syslog.Options{Network: "tcp", Addr: addr, Delivery: d}, quiet())
		}},
		{"forward", func() (handler, error) {
			return forward.New(addr, forward.Options{Delivery: d}, quiet())
		}},
		{"otlp", func() (handler, error) {
			return otlp.New(otlp.Options{URL: "http://" + addr + "/v1/logs", Delivery: d}, quiet())
		}},
		{"http", func() (handler, error) {
			return httpsink.New(httpsink.Options{URL: "http://" + addr + "/log", Delivery: d}, quiet())
		}},
		{"smtp", func() (handler, error) {
			return smtp.New(smtp.Options{Addr: addr, From: "app@example.com", To: []string{"ops@example.com"}, Delivery: d}, quiet())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := tc.open()
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if err := h.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelError, "lost", 0)); err != nil {
					t.Fatal(err)
				}
			}
			err = h.Close()
			if !errors.Is(err, netsink.ErrCloseTimeout) {
				t.Fatalf("Close: %v, want an error wrapping ErrCloseTimeout", err)
			}
			if st := h.Stats(); st.Dropped != 3 {
				t.Errorf("stats %+v, want 3 dropped", st)
			}
			if err := h.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
		})
	}
}

// Every handler on the delivery engine reads the same Delivery: an unknown Overflow is
// refused at construction by each of them, HTTP and SMTP included.
func TestEveryEngineHandlerRefusesUnknownOverflow(t *testing.T) {
	d := netsink.Delivery{Overflow: 9}
	for name, open := range map[string]func() (io.Closer, error){
		"socket": func() (io.Closer, error) {
			return netsink.NewSocket("127.0.0.1:1", netsink.SocketOptions{Delivery: d}, nil)
		},
		"syslog": func() (io.Closer, error) {
			return syslog.New(syslog.Options{Network: "tcp", Addr: "127.0.0.1:1", Delivery: d}, nil)
		},
		"forward": func() (io.Closer, error) {
			return forward.New("127.0.0.1:1", forward.Options{Delivery: d}, nil)
		},
		"otlp": func() (io.Closer, error) {
			return otlp.New(otlp.Options{URL: "http://127.0.0.1:1/v1/logs", Delivery: d}, nil)
		},
		"http": func() (io.Closer, error) {
			return httpsink.New(httpsink.Options{URL: "http://127.0.0.1:1/", Delivery: d}, nil)
		},
		"smtp": func() (io.Closer, error) {
			return smtp.New(smtp.Options{Addr: "127.0.0.1:1", From: "a@example.com", To: []string{"b@example.com"}, Delivery: d}, nil)
		},
	} {
		if _, err := open(); err == nil || !strings.Contains(err.Error(), "overflow") {
			t.Errorf("%s: %v, want an error naming the overflow policy", name, err)
		}
	}
}
