package syslog_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/slogx/handlers/netsink/syslog"
	"github.com/slogx/handlers/slogx"
)

// syslogReceive reads one datagram from pc, or reports why it could not.
func syslogReceive(pc net.PacketConn) string {
	buf := make([]byte, 4096)
	pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, err := pc.ReadFrom(buf)
	if err != nil {
		return err.Error()
	}
	return string(buf[:n])
}

// A syslog collector on UDP, RFC 5424: the "msgid" attribute becomes MSGID, a group named
// like an SD-ID becomes STRUCTURED-DATA, the other attributes follow the message in logfmt.
func ExampleNew() {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0") // stands in for the collector
	if err != nil {
		panic(err)
	}
	defer pc.Close()

	h, err := syslog.New(syslog.Options{
		Network:  "udp",
		Addr:     pc.LocalAddr().String(),
		Facility: syslog.LOG_LOCAL0,
		Hostname: "web1", AppName: "shop", ProcID: "7", // defaults: os.Hostname, program name, pid
	}, nil)
	if err != nil {
		panic(err)
	}
	defer h.Close()

	// A record without a time, so that the output is stable: TIMESTAMP is then "-".
	r := slog.NewRecord(time.Time{}, slog.LevelWarn, "payment failed", 0)
	r.Add("msgid", "PAY", slog.Group("order@32473", "id", 42, "note", `say "hi"`), "retry", true)
	h.Handle(context.Background(), r)
	fmt.Println(syslogReceive(pc))
	// Output:
	// <132>1 - web1 shop 7 PAY [order@32473 id="42" note="say \"hi\""] payment failed retry=true
}

// With StructuredDataID every attribute goes to one SD-ELEMENT; with an Encoder the MSG is
// the encoder's output (here the Python format, byte-identical to CPython's SysLogHandler).
func ExampleNew_formats() {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer pc.Close()
	send := func(o syslog.Options, opts *slogx.Options) {
		o.Network, o.Addr, o.Hostname, o.AppName, o.ProcID = "udp", pc.LocalAddr().String(), "web1", "shop", "7"
		h, err := syslog.New(o, opts)
		if err != nil {
			panic(err)
		}
		defer h.Close()
		r := slog.NewRecord(time.Time{}, slog.LevelError, "disk full", 0)
		r.Add("path", "/var", slog.Group("fs", "free", 0))
		h.WithAttrs([]slog.Attr{slog.String("user", "bob")}).Handle(context.Background(), r)
		fmt.Printf("%q\n", syslogReceive(pc))
	}
	send(syslog.Options{StructuredDataID: "slog@32473"}, nil)
	send(syslog.Options{}, &slogx.Options{Encoder: slogx.JSON()})
	send(syslog.Options{Format: syslog.Python}, nil)
	// Output:
	// "<11>1 - web1 shop 7 - [slog@32473 user=\"bob\" path=\"/var\" fs.free=\"0\"] disk full"
	// "<11>1 - web1 shop 7 - - {\"level\":\"ERROR\",\"msg\":\"disk full\",\"user\":\"bob\",\"path\":\"/var\",\"fs\":{\"free\":0}}"
	// "<11>disk full user=bob path=/var fs.free=0\x00"
}

func ExampleParseFacility() {
	f, err := syslog.ParseFacility("local3")
	if err != nil {
		panic(err)
	}
	sev := syslog.LevelSeverity(slog.LevelWarn)
	fmt.Println(f, int(f), sev, int(sev))
	fmt.Println(syslog.LevelSeverity(slog.LevelInfo+1), syslog.LevelSeverity(slogx.LevelCritical))
	// Output:
	// local3 19 warning 4
	// warning crit
}
