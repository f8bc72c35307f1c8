package netsink

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// validateHostPort is the one address check of every network constructor (issue 15): addr
// must be "host:port" (host may be empty, meaning this machine, or a bracketed IPv6 literal)
// and port a number in [1, 65535] or a service name that net.LookupPort knows for network
// ("tcp" or "udp"). It resolves no host: constructors validate up front and connect lazily,
// so a collector down (or a DNS name not yet published) at start-up is not an error.
// It returns the host, which TLS needs as its default server name. kind names the handler
// in the error: `netsink: <kind> address "<addr>": <cause>`.
func validateHostPort(kind, network, addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err == nil {
		err = validatePort(network, port)
	}
	if err != nil {
		return "", fmt.Errorf("netsink: %s address %q: %w", kind, addr, err)
	}
	return host, nil
}

// validatePort accepts what a sender can dial: a number in [1, 65535], written in digits only,
// or a service name of letters, digits and hyphens (RFC 6335) known for network. LookupPort
// alone is too lenient: it takes " 80" and "+80", and 0.
func validatePort(network, port string) error {
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
