// Package netaddr holds the checks every netsink constructor makes on what it is given
// before anything connects — addresses (host:port and its port), HTTP header names — and
// the bound on what an HTTP client reads back.
package netaddr

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// ValidateHostPort is the one address check of every network constructor : addr
// must be "host:port" (host may be empty, meaning this machine, or a bracketed IPv6 literal)
// and port a number in [1, 65535] or a service name that net.LookupPort knows for network
// ("tcp" or "udp"). It resolves no host: constructors validate up front and connect lazily,
// so a collector down (or a DNS name not yet published) at start-up is not an error.
// It returns the host, which TLS needs as its default server name. kind names the handler
// in the error: `netsink: <kind> address "<addr>": <cause>`.
func ValidateHostPort(kind, network, addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err == nil {
		err = ValidatePort(network, port)
	}
	if err != nil {
		return "", fmt.Errorf("netsink: %s address %q: %w", kind, addr, err)
	}
	return host, nil
}

// ValidatePort accepts what a sender can dial: a number in [1, 65535], written in digits only,
// or a service name of letters, digits and hyphens (RFC 6335) known for network. LookupPort
// alone is too lenient: it takes " 80" and "+80", and 0.
func ValidatePort(network, port string) error {
	if port == "" {
		return errors.New("no port")
	}
	for _, c := range []byte(port) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return fmt.Errorf("port %q is neither a number nor a service name", port)
		}
	}
	if n, err := strconv.Atoi(port); err == nil {
		if n < 1 || n > 65535 {
			return fmt.Errorf("port %s outside [1, 65535]", port)
		}
		return nil
	}
	if _, err := net.LookupPort(network, port); err != nil {
		return fmt.Errorf("port %q is not a %s service this machine knows: %w", port, network, err)
	}
	return nil
}

// ValidHeaderName reports whether k is an RFC 7230 token.
func ValidHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// MaxResponse bounds what is read of a response body: enough to reuse the connection
// and quote the start of an error page, never an unbounded read from the network.
const MaxResponse = 64 << 10
