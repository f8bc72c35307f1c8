package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"time"

	"github.com/slogx/handlers/netsink/syslog"
	"github.com/slogx/handlers/slogx"
)

// demoSyslog runs an embedded syslog collector on 127.0.0.1 (UDP, plus a TCP listener for the
// stream framings and a unix datagram socket in dir), sends the same records with
// syslog.New in each format, and prints every message the collector received.
func demoSyslog(out io.Writer, dir string) error {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("syslog demo: listen udp: %w", err)
	}
	defer pc.Close()
	recv := func(pc net.PacketConn) (string, error) {
		buf := make([]byte, 64<<10)
		if err := pc.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
			return "", err
		}
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			return "", fmt.Errorf("syslog demo: receive: %w", err)
		}
		return string(buf[:n]), nil
	}
	logTo := func(o syslog.Options, opts *slogx.Options) error {
		o.Hostname, o.AppName, o.Facility = "demo-host", "slogx-demo", syslog.LOG_LOCAL0
		h, err := syslog.New(o, opts)
		if err != nil {
			return err
		}
		l := slog.New(h).With("user", "ada")
		l.Warn("disk almost full", "msgid", "DISK", slog.Group("disk@32473", "mount", "/var", "free", "3%"), "try", 2)
		l.Error("two\nlines", "path", `C:\tmp "x"`)
		if err := h.Close(); err != nil {
			return err
		}
		if st := h.Stats(); st.Errors != 0 || st.Dropped != 0 {
			return fmt.Errorf("syslog demo: %+v", st)
		}
		return nil
	}

	udp := pc.LocalAddr().String()
	fmt.Fprintf(out, "syslog: collector on udp %s\n", udp)
	for _, c := range []struct {
		name string
		o    syslog.Options
		opts *slogx.Options
	}{
		{"RFC 5424 (default)", syslog.Options{}, nil},
		{"RFC 5424, all attrs as STRUCTURED-DATA", syslog.Options{StructuredDataID: "slog@32473"}, nil},
		{"RFC 5424, MSG = slogx.JSON()", syslog.Options{}, &slogx.Options{Encoder: slogx.JSON()}},
		{"RFC 3164", syslog.Options{Format: syslog.RFC3164}, nil},
		{"Python (CPython SysLogHandler bytes)", syslog.Options{Format: syslog.Python}, nil},
	} {
		c.o.Network, c.o.Addr = "udp", udp
		if err := logTo(c.o, c.opts); err != nil {
			return err
		}
		fmt.Fprintf(out, "syslog: %s\n", c.name)
		for range 2 {
			msg, err := recv(pc)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "  %q\n", msg)
		}
	}

	// Unix datagram socket (what /dev/log is): the default format there is RFC 3164 without
	// HOSTNAME, as syslog(3) writes it.
	sock := filepath.Join(dir, "syslog-demo.sock")
	upc, err := net.ListenPacket("unixgram", sock)
	if err != nil {
		return fmt.Errorf("syslog demo: listen %s: %w", sock, err)
	}
	defer upc.Close()
	if err := logTo(syslog.Options{Network: "unixgram", Addr: sock}, nil); err != nil {
		return err
	}
	fmt.Fprintf(out, "syslog: unixgram %s (local RFC 3164)\n", filepath.Base(sock))
	for range 2 {
		msg, err := recv(upc)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %q\n", msg)
	}

	// TCP: octet counting (RFC 6587) and LF framing, raw bytes as the collector sees them.
	for _, framing := range []syslog.Framing{syslog.OctetCounting, syslog.LF} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("syslog demo: listen tcp: %w", err)
		}
		got := make(chan []byte, 1)
		go func() {
			defer close(got)
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			b, _ := io.ReadAll(io.LimitReader(c, 1<<20))
			got <- b
		}()
		err = logTo(syslog.Options{Network: "tcp", Addr: ln.Addr().String(), Framing: framing}, nil)
		ln.Close() // unblocks Accept if the handler never connected
		raw := <-got
		if err != nil {
			return err
		}
		name := map[syslog.Framing]string{syslog.OctetCounting: "octet counting", syslog.LF: "LF framing"}[framing]
		fmt.Fprintf(out, "syslog: tcp, %s: %q\n", name, raw)
	}
	return nil
}
