// Command collector receives log records over the network — from netsink.Socket and
// netsink.Datagram handlers, and with -pickle from Python's logging.handlers.SocketHandler
// and DatagramHandler — and writes them to standard output (text) and to a file (JSON lines),
// and forwards them to Fluentd / Fluent Bit (-forward) and to an OpenTelemetry Collector
// (-otlp), so a fleet of Python services can move into those pipelines through it.
//
//	collector -tcp 127.0.0.1:9020 -udp 127.0.0.1:9021 -out collected.log [-pickle] [-cert c.pem -key k.pem]
//	          [-forward 127.0.0.1:24224 -forward-tag app] [-otlp http://127.0.0.1:4318/v1/logs]
//
// 9020 and 9021 are Python's logging.handlers.DEFAULT_TCP_LOGGING_PORT and
// DEFAULT_UDP_LOGGING_PORT. SIGINT or SIGTERM shut it down gracefully: every connection gets
// its last acknowledgement, so the senders replay nothing that was written.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/forward"
	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/rotate"
	"github.com/slogx/handlers/slogx"
)

type config struct {
	tcp, udp   string
	out        string
	cert, key  string
	pickle     bool
	maxFrame   int
	quiet      bool
	shutdownIn time.Duration
	maxBytes   int64
	backups    int
	forward    string // Fluent Forward address; empty: none
	forwardTag string
	otlp       string // OTLP/HTTP logs URL; empty: none
}

func main() {
	var c config
	flag.StringVar(&c.tcp, "tcp", "127.0.0.1:9020", "TCP (or TLS) listen address; empty to disable")
	flag.StringVar(&c.udp, "udp", "127.0.0.1:9021", "UDP listen address; empty to disable")
	flag.StringVar(&c.out, "out", "collected.log", "file receiving every record as a JSON line; empty for none")
	flag.Int64Var(&c.maxBytes, "max-bytes", 100<<20, "rotate -out when it would grow past this many bytes; 0 never rotates")
	flag.IntVar(&c.backups, "backups", 10, "rotated files of -out to keep; at least 1 when -max-bytes is set")
	flag.StringVar(&c.cert, "cert", "", "TLS certificate (PEM); with -key, the TCP listener speaks TLS")
	flag.StringVar(&c.key, "key", "", "TLS private key (PEM)")
	flag.BoolVar(&c.pickle, "pickle", false, "also accept Python's SocketHandler/DatagramHandler pickles")
	flag.IntVar(&c.maxFrame, "max-frame", netsink.DefaultMaxFrame, "largest accepted frame in bytes")
	flag.BoolVar(&c.quiet, "quiet", false, "do not echo records on standard output")
	flag.DurationVar(&c.shutdownIn, "shutdown-timeout", 5*time.Second, "graceful shutdown bound")
	flag.StringVar(&c.forward, "forward", "", "also forward every record to this Fluent Forward server (host:port or unix:///path)")
	flag.StringVar(&c.forwardTag, "forward-tag", "collector", "Fluent tag of the forwarded records")
	flag.StringVar(&c.otlp, "otlp", "", "also send every record to this OTLP/HTTP logs URL (e.g. http://127.0.0.1:4318/v1/logs)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	col, err := listen(c, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "collector:", err)
		os.Exit(1)
	}
	for _, a := range col.addrs {
		fmt.Fprintln(os.Stderr, "collector: listening on", a)
	}
	if err := col.run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "collector:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "collector: %+v\n", col.srv.Stats())
}

// openOutput opens the rotating file the collector appends records to: maxBytes per file,
// backups older files kept (rotate.NewSize, Python's RotatingFileHandler rules).
func openOutput(path string, maxBytes int64, backups int) (io.WriteCloser, error) {
	return rotate.NewSize(path, rotate.SizeOptions{MaxBytes: maxBytes, BackupCount: backups})
}

// openForwarders opens the -forward and -otlp outputs. They connect lazily: an engine that is
// down at start-up gets the records once it is up (each buffers, bounded, meanwhile).
func openForwarders(c config, level slog.Leveler) ([]*slogx.Handler, error) {
	var hs []*slogx.Handler
	if c.forward != "" {
		f, err := forward.New(c.forward, forward.Options{Tag: c.forwardTag}, &slogx.Options{Level: level})
		if err != nil {
			return nil, err
		}
		hs = append(hs, f.Handler)
	}
	if c.otlp != "" {
		o, err := otlp.New(otlp.Options{URL: c.otlp}, &slogx.Options{Level: level})
		if err != nil {
			for _, h := range hs {
				h.Close()
			}
			return nil, err
		}
		hs = append(hs, o.Handler)
	}
	return hs, nil
}

// collector is a netsink.Server with its listeners and outputs.
type collector struct {
	srv     *netsink.Server
	ln      net.Listener
	pc      net.PacketConn
	addrs   []string
	closers []io.Closer
	timeout time.Duration
}

// listen opens the outputs and the listeners of c; records are echoed to echo (unless quiet).
func listen(c config, echo io.Writer) (*collector, error) {
	all := &slog.LevelVar{}
	all.Set(slog.Level(math.MinInt32)) // keep every record the senders chose to send
	var hs []slog.Handler
	col := &collector{timeout: c.shutdownIn}
	if !c.quiet {
		hs = append(hs, slogx.NewHandler(echo, &slogx.Options{Level: all, Encoder: slogx.Text()}))
	}
	if c.out != "" {
		w, err := openOutput(c.out, c.maxBytes, c.backups)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", c.out, err)
		}
		h := slogx.NewHandler(w, &slogx.Options{Level: all})
		hs = append(hs, h)
		col.closers = append(col.closers, h)
	}
	outs, err := openForwarders(c, all)
	if err != nil {
		col.closeOutputs()
		return nil, err
	}
	for _, h := range outs {
		hs = append(hs, h)
		col.closers = append(col.closers, h)
	}
	col.srv = &netsink.Server{Handler: slogx.Fanout(hs...), AcceptPickle: c.pickle, MaxFrame: c.maxFrame}
	if c.tcp != "" {
		ln, err := net.Listen("tcp", c.tcp)
		if err != nil {
			col.closeOutputs()
			return nil, err
		}
		if c.cert != "" || c.key != "" {
			cert, err := tls.LoadX509KeyPair(c.cert, c.key)
			if err != nil {
				ln.Close()
				col.closeOutputs()
				return nil, fmt.Errorf("TLS key pair: %w", err)
			}
			ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		}
		col.ln = ln
		col.addrs = append(col.addrs, "tcp "+ln.Addr().String())
	}
	if c.udp != "" {
		pc, err := net.ListenPacket("udp", c.udp)
		if err != nil {
			if col.ln != nil {
				col.ln.Close()
			}
			col.closeOutputs()
			return nil, err
		}
		col.pc = pc
		col.addrs = append(col.addrs, "udp "+pc.LocalAddr().String())
	}
	if col.ln == nil && col.pc == nil {
		col.closeOutputs()
		return nil, errors.New("nothing to listen on: both -tcp and -udp are empty")
	}
	return col, nil
}

// run serves until ctx is done, then shuts down gracefully and closes the outputs.
func (col *collector) run(ctx context.Context) error {
	errc := make(chan error, 2)
	n := 0
	if col.ln != nil {
		n++
		go func() { errc <- col.srv.Serve(col.ln) }()
	}
	if col.pc != nil {
		n++
		go func() { errc <- col.srv.ServePacket(col.pc) }()
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc: // a listener failed: stop the rest too
		n--
	}
	sctx, cancel := context.WithTimeout(context.Background(), col.timeout)
	defer cancel()
	if serr := col.srv.Shutdown(sctx); serr != nil && err == nil {
		err = serr
	}
	for ; n > 0; n-- {
		if e := <-errc; !errors.Is(e, netsink.ErrServerClosed) && err == nil {
			err = e
		}
	}
	if errors.Is(err, netsink.ErrServerClosed) {
		err = nil
	}
	if cerr := col.closeOutputs(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

func (col *collector) closeOutputs() error {
	var err error
	for _, c := range col.closers {
		err = errors.Join(err, c.Close())
	}
	col.closers = nil
	return err
}
