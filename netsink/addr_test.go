package netsink_test

import (
	"io"
	"strings"
	"testing"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/syslog"
)

// One address validation for every network constructor (issue 15): each refuses what the
// others refuse, with the same message.
func TestAddressValidation(t *testing.T) {
	constructors := []struct {
		kind, network string
		new           func(addr string) (io.Closer, error)
	}{
		{"socket", "tcp", func(a string) (io.Closer, error) { return netsink.NewSocket(a, netsink.SocketOptions{}, nil) }},
		{"datagram", "udp", func(a string) (io.Closer, error) { return netsink.NewDatagram(a, netsink.DatagramOptions{}, nil) }},
		{"syslog", "udp", func(a string) (io.Closer, error) {
			return syslog.New(syslog.Options{Network: "udp", Addr: a}, nil)
		}},
		{"syslog", "tcp", func(a string) (io.Closer, error) {
			return syslog.New(syslog.Options{Network: "tcp", Addr: a}, nil)
		}},
	}
	// service is a name Go knows for the network even without /etc/services.
	service := map[string]string{"tcp": "http", "udp": "domain"}
	cases := []struct {
		addr string
		want string // "" when valid, else a substring of the error after the address
	}{
		{"127.0.0.1:9020", ""},
		{"localhost:9020", ""},
		{"[::1]:9020", ""},
		{":9020", ""},
		{"localhost:65535", ""},
		{"localhost:SERVICE", ""},
		{"localhost:notaport", "not a NET service"},
		{"localhost", "missing port"},
		{"localhost:", "no port"},
		{"localhost:0", "outside [1, 65535]"},
		{"localhost:65536", "outside [1, 65535]"},
		{"localhost:-1", "outside [1, 65535]"},
		{"localhost: 80", "neither a number nor a service name"},
		{"localhost:+80", "neither a number nor a service name"},
		{"::1:9020", "too many colons"},
	}
	for _, c := range constructors {
		for _, tc := range cases {
			addr := strings.ReplaceAll(tc.addr, "SERVICE", service[c.network])
			t.Run(c.kind+"/"+c.network+"/"+addr, func(t *testing.T) {
				h, err := c.new(addr)
				if err == nil {
					defer h.Close()
				}
				if tc.want == "" {
					if err != nil {
						t.Fatalf("refused a valid address: %v", err)
					}
					return
				}
				want := `netsink: ` + c.kind + ` address "` + addr + `": ` + strings.ReplaceAll(tc.want, "NET", c.network)
				if err != nil && strings.HasPrefix(err.Error(), `netsink: `+c.kind+` address "`+addr+`": `) && strings.Contains(err.Error(), strings.ReplaceAll(tc.want, "NET", c.network)) {
					return
				}
				t.Fatalf("got %v, want %s...", err, want)
			})
		}
	}
}
