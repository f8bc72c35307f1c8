package netaddr

import "testing"

// ValidateHostPort returns the host, which a TLS client needs as its server name.
func TestValidateHostPortHost(t *testing.T) {
	for addr, want := range map[string]string{"example.org:6514": "example.org", "[::1]:1": "::1", ":514": ""} {
		if host, err := ValidateHostPort("syslog", "tcp", addr); err != nil || host != want {
			t.Errorf("%q: %q, %v; want %q", addr, host, err, want)
		}
	}
}
