// Package standin holds small stand-ins for the engines slogx forwards into — a Fluent Forward
// server that acknowledges every chunk and an OTLP/HTTP logs receiver — for the demo and the
// collector's tests, which must not pull the OpenTelemetry Collector into the main module (the
// real receivers are exercised in interop/). They decode just enough to say what arrived: the
// message of every record.
package standin

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/vmihailenco/msgpack/v5"
	"google.golang.org/protobuf/encoding/protowire"
)

// Messages collects what a stand-in received, safe for concurrent use.
type Messages struct {
	mu   sync.Mutex
	msgs []string
}

func (m *Messages) add(s string) {
	m.mu.Lock()
	m.msgs = append(m.msgs, s)
	m.mu.Unlock()
}

// All returns the messages received so far, in order.
func (m *Messages) All() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.msgs...)
}

// Forward is a Fluent Forward server on 127.0.0.1 that reads PackedForward and
// CompressedPackedForward messages and acknowledges every chunk.
type Forward struct {
	Messages
	ln   net.Listener
	wg   sync.WaitGroup
	mu   sync.Mutex
	conn []net.Conn
}

// NewForward starts a Forward stand-in; Close stops it.
func NewForward() (*Forward, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &Forward{ln: ln}
	f.wg.Add(1)
	go f.accept()
	return f, nil
}

// Addr is the server's host:port.
func (f *Forward) Addr() string { return f.ln.Addr().String() }

// Close stops accepting, closes the connections and waits for their goroutines.
func (f *Forward) Close() error {
	err := f.ln.Close()
	f.mu.Lock()
	for _, c := range f.conn {
		c.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
	return err
}

func (f *Forward) accept() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		f.conn = append(f.conn, c)
		f.mu.Unlock()
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			defer c.Close()
			f.serve(c)
		}()
	}
}

// serve reads [tag, entries, options] messages and answers {"ack": chunk}.
func (f *Forward) serve(c net.Conn) {
	dec := msgpack.NewDecoder(bufio.NewReader(c))
	enc := msgpack.NewEncoder(c)
	for {
		var msg []any
		if err := dec.Decode(&msg); err != nil || len(msg) < 2 {
			return
		}
		entries, _ := msg[1].([]byte)
		var opts map[string]any
		if len(msg) > 2 {
			opts, _ = msg[2].(map[string]any)
		}
		if opts["compressed"] == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(entries))
			if err != nil {
				return
			}
			if entries, err = io.ReadAll(zr); err != nil {
				return
			}
		}
		// Each entry is [EventTime, record]; EventTime is msgpack extension 0, which the
		// decoder does not know: skip it rather than register it globally.
		ed := msgpack.NewDecoder(bytes.NewReader(entries))
		for {
			if n, err := ed.DecodeArrayLen(); err != nil || n != 2 {
				break
			}
			if err := ed.Skip(); err != nil {
				break
			}
			var rec map[string]any
			if err := ed.Decode(&rec); err != nil {
				break
			}
			f.add(fmt.Sprint(rec["message"]))
		}
		if chunk, ok := opts["chunk"]; ok {
			if err := enc.Encode(map[string]any{"ack": chunk}); err != nil {
				return
			}
		}
	}
}

// OTLP is an OTLP/HTTP logs receiver on 127.0.0.1 that accepts protobuf requests (gzip or
// not) and answers 200 with an empty ExportLogsServiceResponse.
type OTLP struct {
	Messages
	srv *httptest.Server
}

// NewOTLP starts an OTLP stand-in; Close stops it.
func NewOTLP() *OTLP {
	o := &OTLP{}
	o.srv = httptest.NewServer(http.HandlerFunc(o.serve))
	return o
}

// URL is the logs endpoint, ending in /v1/logs.
func (o *OTLP) URL() string { return o.srv.URL + "/v1/logs" }

// Close stops the server.
func (o *OTLP) Close() { o.srv.Close() }

func (o *OTLP) serve(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	b, err := io.ReadAll(io.LimitReader(body, 64<<20))
	if err != nil || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "want protobuf", http.StatusUnsupportedMediaType)
		return
	}
	// ExportLogsServiceRequest.resource_logs(1) > ResourceLogs.scope_logs(2) >
	// ScopeLogs.log_records(2) > LogRecord.body(5) > AnyValue.string_value(1).
	for _, rl := range fields(b, 1) {
		for _, sl := range fields(rl, 2) {
			for _, lr := range fields(sl, 2) {
				for _, body := range fields(lr, 5) {
					for _, s := range fields(body, 1) {
						o.add(string(s))
					}
				}
			}
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK)
}

// fields returns the payloads of the length-delimited fields numbered num in the message b.
func fields(b []byte, num protowire.Number) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		n, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return out
		}
		b = b[l:]
		if typ == protowire.BytesType {
			v, l := protowire.ConsumeBytes(b)
			if l < 0 {
				return out
			}
			if n == num {
				out = append(out, v)
			}
			b = b[l:]
			continue
		}
		l = protowire.ConsumeFieldValue(n, typ, b)
		if l < 0 {
			return out
		}
		b = b[l:]
	}
	return out
}
