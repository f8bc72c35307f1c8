// Package syslog sends log/slog records to a syslog daemon: Python's SysLogHandler, with
// RFC 5424 (the default on the network), RFC 3164 (the default on this machine's socket, as
// syslog(3) writes it) or CPython's own bytes, over udp, tcp, tcp+tls or unix sockets.
//
//	h, err := syslog.New(syslog.Options{Network: "tcp", Addr: "logs.example.com:514",
//		Facility: syslog.LOG_LOCAL0}, nil)
//	if err != nil {
//		return err
//	}
//	defer h.Close()
//	slog.SetDefault(slog.New(h))
//
// Each record becomes one message. In RFC 5424 an attribute named "msgid" becomes MSGID and
// groups keyed by an SD-ID ("origin@32473") become STRUCTURED-DATA; the rest is the MSG (the
// message and the attributes in logfmt, or what slogx.Options.Encoder writes). No separator
// a receiver honours can appear inside a message.
//
// On streams a log call never waits for the daemon: records go through a bounded buffer to a
// sender goroutine (netsink.Delivery configures it), reconnecting on Python's backoff. On
// datagrams each log call sends its own datagram. New validates everything and does not
// connect; NewEncoder writes the same messages for a transport of one's own. Facility,
// Severity and the LOG_* constants are spelled as in log/syslog and Python.
package syslog
