package syslog

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/slogx"
)

// syslogRsyslogd finds rsyslogd: on PATH, or Debian's /usr/sbin (not on a user's PATH).
func syslogRsyslogd(t *testing.T) string {
	if p, err := exec.LookPath("rsyslogd"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/rsyslogd"); err == nil {
		return "/usr/sbin/rsyslogd"
	}
	syslogRequirePeer(t, "rsyslogd not found (apt-get install rsyslog); skipping the rsyslog integration test")
	return ""
}

// syslogFreePort returns a port that was free on 127.0.0.1 a moment ago.
func syslogFreePort(t *testing.T, network string) string {
	t.Helper()
	var addr net.Addr
	if network == "udp" {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = pc.LocalAddr()
		pc.Close()
	} else {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = ln.Addr()
		ln.Close()
	}
	_, port, _ := net.SplitHostPort(addr.String())
	return port
}

// syslogRsyslog is a private rsyslogd: user process, config and state in a temp dir,
// listening on 127.0.0.1 and on two unix sockets of its own, writing every message's fields
// to out.
type syslogRsyslog struct {
	udp, tcp       string // 127.0.0.1:port
	sock, sock5424 string // imuxsock with the default parser; with the full parser chain
	out            string
}

const syslogRsyslogConf = `
global(workDirectory="%[1]s/work")
module(load="imudp")
module(load="imtcp")
module(load="imuxsock" SysSock.Use="off")
input(type="imudp" address="127.0.0.1" port="%[2]s")
input(type="imtcp" address="127.0.0.1" port="%[3]s")
# The default special parser for local sockets (what /dev/log uses): RFC 3164 without hostname.
input(type="imuxsock" Socket="%[1]s/log.sock" RateLimit.Interval="0")
# The regular parser chain, so that RFC 5424 is understood on a unix socket too.
input(type="imuxsock" Socket="%[1]s/log5424.sock" UseSpecialParser="off" ParseHostname="on" RateLimit.Interval="0")
template(name="fields" type="string"
  string="%%pri%%|%%hostname%%|%%app-name%%|%%procid%%|%%msgid%%|%%structured-data%%|%%msg%%\n")
*.* action(type="omfile" file="%[1]s/out.log" template="fields")
`

func syslogStartRsyslog(t *testing.T) *syslogRsyslog {
	t.Helper()
	bin := syslogRsyslogd(t)
	dir := t.TempDir()
	if len(dir) > 80 {
		t.Fatalf("temp dir %q too long for unix socket paths (about 100 bytes); set TMPDIR", dir)
	}
	if err := os.Mkdir(filepath.Join(dir, "work"), 0o755); err != nil {
		t.Fatal(err)
	}
	rs := &syslogRsyslog{
		udp:      "127.0.0.1:" + syslogFreePort(t, "udp"),
		tcp:      "127.0.0.1:" + syslogFreePort(t, "tcp"),
		sock:     filepath.Join(dir, "log.sock"),
		sock5424: filepath.Join(dir, "log5424.sock"),
		out:      filepath.Join(dir, "out.log"),
	}
	_, up, _ := net.SplitHostPort(rs.udp)
	_, tp, _ := net.SplitHostPort(rs.tcp)
	conf := filepath.Join(dir, "rsyslog.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(syslogRsyslogConf, dir, up, tp)), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "-n", "-f", conf, "-i", filepath.Join(dir, "rsyslogd.pid"))
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start rsyslogd: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("rsyslogd output:\n%s", stderr.String())
		}
	})
	// Ready when the TCP listener accepts and both sockets exist: rsyslogd activates every
	// input (binding the UDP and unix sockets) before it starts accepting on TCP.
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("rsyslogd exited: %s", stderr.String())
		default:
		}
		c, err := net.DialTimeout("tcp", rs.tcp, time.Second)
		_, e1 := os.Stat(rs.sock)
		_, e2 := os.Stat(rs.sock5424)
		if err == nil {
			c.Close()
			if e1 == nil && e2 == nil {
				return rs
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("rsyslogd not ready after 10s: %v %v %v\n%s", err, e1, e2, stderr.String())
		}
		time.Sleep(20 * time.Millisecond) // polling a process's start-up: nothing to wait on
	}
}

// waitLines polls the output file until a line contains each marker; it returns the line
// for each marker.
func (rs *syslogRsyslog) waitLines(t *testing.T, markers []string) map[string]string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, _ := os.ReadFile(rs.out)
		found := map[string]string{}
		for _, line := range strings.Split(string(data), "\n") {
			for _, m := range markers {
				if strings.Contains(line, m) {
					found[m] = line
				}
			}
		}
		if len(found) == len(markers) {
			return found
		}
		if time.Now().After(deadline) {
			t.Fatalf("rsyslogd wrote %d of %d records in 10s:\n%s", len(found), len(markers), data)
		}
		time.Sleep(20 * time.Millisecond) // polling a file another process writes
	}
}

// TestSyslogRsyslog sends records in every format over every transport to a real
// rsyslogd and checks that each field arrives exactly.
func TestSyslogRsyslog(t *testing.T) {
	rs := syslogStartRsyslog(t)
	syslogLeakCheck(t)
	host, _ := os.Hostname()
	localHost, _, _ := strings.Cut(host, ".")
	base := Options{Hostname: "testhost", AppName: "slogxtest", ProcID: "4242", Facility: LOG_LOCAL0}
	sd := slog.Group("ex@32473", "a", `q"uo]te\`, "b", 2)
	type want struct{ pri, host, app, procid, msgid, sd, msg string }
	cases := []struct {
		name  string
		o     func(*Options)
		level slog.Level
		msg   string
		args  []any
		want  want
	}{
		{"udp 5424", func(o *Options) { o.Network, o.Addr = "udp", rs.udp }, slog.LevelInfo, "c01 héllo wörld", []any{"msgid", "ID1", sd, "k", "v w"},
			want{"134", "testhost", "slogxtest", "4242", "ID1", `[ex@32473 a="q\"uo\]te\\" b="2"]`, `c01 héllo wörld k="v w"`}},
		{"tcp octet 5424", func(o *Options) { o.Network, o.Addr = "tcp", rs.tcp }, slog.LevelWarn, "c02 line1\nline2", []any{"msgid", "ID2", sd},
			want{"132", "testhost", "slogxtest", "4242", "ID2", `[ex@32473 a="q\"uo\]te\\" b="2"]`, "c02 line1#012line2"}},
		{"tcp LF 5424", func(o *Options) { o.Network, o.Addr, o.Framing = "tcp", rs.tcp, LF }, slog.LevelError, "c03 a\nb", []any{"msgid", "ID3", sd},
			want{"131", "testhost", "slogxtest", "4242", "ID3", `[ex@32473 a="q\"uo\]te\\" b="2"]`, "c03 a#012b"}},
		{"udp 5424 catch-all SD", func(o *Options) { o.Network, o.Addr, o.StructuredDataID = "udp", rs.udp, "slog@32473" }, slogx.LevelCritical, "c04", []any{"user", "bob", slog.Group("g", "n", 3)},
			want{"130", "testhost", "slogxtest", "4242", "-", `[slog@32473 user="bob" g.n="3"]`, "c04"}},
		{"unixgram 5424", func(o *Options) { o.Network, o.Addr, o.Format = "unixgram", rs.sock5424, RFC5424 }, slog.LevelDebug, "c05 unix", []any{"msgid", "ID5", sd},
			want{"135", "testhost", "slogxtest", "4242", "ID5", `[ex@32473 a="q\"uo\]te\\" b="2"]`, "c05 unix"}},
		// In RFC 3164, rsyslog's msg keeps the space that follows "TAG:".
		{"udp 3164", func(o *Options) {
			o.Network, o.Addr, o.Format, o.Facility = "udp", rs.udp, RFC3164, LOG_DAEMON
		}, slog.LevelWarn, "c06 x", []any{"k", 1},
			want{"28", "testhost", "slogxtest", "4242", "-", "-", " c06 x k=1"}},
		{"tcp octet 3164", func(o *Options) { o.Network, o.Addr, o.Format = "tcp", rs.tcp, RFC3164 }, slog.LevelInfo, "c07 tab\there", nil,
			want{"134", "testhost", "slogxtest", "4242", "-", "-", " c07 tab#011here"}},
		{"tcp LF 3164", func(o *Options) {
			o.Network, o.Addr, o.Format, o.Framing = "tcp", rs.tcp, RFC3164, LF
		}, slog.LevelInfo, "c08 two\nlines", nil,
			want{"134", "testhost", "slogxtest", "4242", "-", "-", " c08 two#012lines"}},
		// The default format on a unix socket is the local RFC 3164 form; rsyslog stamps its
		// own hostname, as for any local program.
		{"unixgram default", func(o *Options) { o.Network, o.Addr = "unixgram", rs.sock }, slog.LevelInfo, "c09 local", []any{"msgid", "not-a-field"},
			want{"134", localHost, "slogxtest", "4242", "-", "-", " c09 local msgid=not-a-field"}},
		{"unix auto default", func(o *Options) { o.Addr = rs.sock }, 9, "c10 auto", nil,
			want{"130", localHost, "slogxtest", "4242", "-", "-", " c10 auto"}},
		// CPython's format, byte-identical to SysLogHandler: rsyslog takes the first word of
		// the message for the hostname and the second for the tag. This is why it is not the
		// default.
		{"udp python", func(o *Options) { o.Network, o.Addr, o.Format = "udp", rs.udp, Python }, slog.LevelInfo, "c11 first second rest", nil,
			want{"134", "c11", "first", "-", "-", "-", " second rest"}},
	}
	var markers []string
	for _, tc := range cases {
		o := base
		tc.o(&o)
		errs := &syslogErrs{}
		h, err := New(o, &slogx.Options{Level: slog.LevelDebug, OnError: errs.add})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		slog.New(h).Log(t.Context(), tc.level, tc.msg, tc.args...)
		if err := h.Close(); err != nil {
			t.Fatalf("%s: close: %v", tc.name, err)
		}
		if st := h.Stats(); st.Records != 1 || st.Errors != 0 || st.Dropped != 0 {
			t.Fatalf("%s: stats %+v, errors %s", tc.name, st, errs)
		}
		markers = append(markers, strings.Fields(tc.msg)[0])
	}
	lines := rs.waitLines(t, markers)
	for i, tc := range cases {
		line := lines[markers[i]]
		f := strings.SplitN(line, "|", 7)
		if len(f) != 7 {
			t.Errorf("%s: malformed output line %q", tc.name, line)
			continue
		}
		got := want{f[0], f[1], f[2], f[3], f[4], f[5], f[6]}
		if got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}
