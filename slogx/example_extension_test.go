package slogx_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/slogx/handlers/slogx"
)

// outbox is the writer of a handler of one's own: it hands records to a background sender
// that delivers them to a remote store (here a slice), as a network writer would. It tells
// the slogx.Handler built by Open what it can do through slogx's interfaces: its delivered
// counts are Stats().Records and Bytes (DeliveryCounter), it is safe for concurrent Writes
// (ConcurrentWriter), and Flush waits for delivery (Flusher). Failures found in the
// background go through the Reporter Open gave it: counted in Stats and reported through
// Options.OnError, once.
type outbox struct {
	rep  *slogx.Reporter
	in   chan []byte
	done chan struct{}

	mu              sync.Mutex
	pending         sync.WaitGroup
	stored          []string
	records, nbytes uint64
}

func newOutbox(rep *slogx.Reporter) *outbox {
	o := &outbox{rep: rep, in: make(chan []byte, 64), done: make(chan struct{})}
	go o.send()
	return o
}

// Write copies the record: the Handler reuses p once Write returns.
func (o *outbox) Write(p []byte) (int, error) {
	o.pending.Add(1)
	o.in <- append([]byte(nil), p...)
	return len(p), nil
}

func (o *outbox) send() {
	defer close(o.done)
	for rec := range o.in {
		line := strings.TrimSuffix(string(rec), "\n")
		if strings.Contains(line, "refused") { // the remote store refuses this one
			o.rep.Error(errors.New("outbox: store refused a record"))
		} else {
			o.mu.Lock()
			o.stored = append(o.stored, line)
			o.records, o.nbytes = o.records+1, o.nbytes+uint64(len(rec))
			o.mu.Unlock()
		}
		o.pending.Done()
	}
}

func (o *outbox) Delivered() (records, bytes uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.records, o.nbytes
}

func (o *outbox) ConcurrentWrite() bool { return true }

func (o *outbox) Flush(ctx context.Context) error {
	idle := make(chan struct{})
	go func() { o.pending.Wait(); close(idle) }()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (o *outbox) Close() error {
	close(o.in)
	<-o.done
	return nil
}

var (
	_ io.WriteCloser         = (*outbox)(nil)
	_ slogx.DeliveryCounter  = (*outbox)(nil)
	_ slogx.ConcurrentWriter = (*outbox)(nil)
	_ slogx.Flusher          = (*outbox)(nil)
)

// Open builds a handler of one's own from a writer: slogx.Handler does the level check,
// the encoding (Options.Encoder, JSON by default), the counting and the reporting; the
// writer gets one Write per record.
func ExampleOpen() {
	var box *outbox
	h, err := slogx.Open(&slogx.Options{Encoder: slogx.Text(), ReplaceAttr: noTime,
		OnError: func(err error) { fmt.Println("reported:", err) }},
		func(rep *slogx.Reporter) (io.Writer, error) {
			box = newOutbox(rep)
			return box, nil
		})
	if err != nil {
		panic(err)
	}
	logger := slog.New(h)
	logger.Info("order placed", "id", 1042)
	logger.Warn("refused by the store")
	if err := h.Flush(context.Background()); err != nil {
		panic(err)
	}
	st := h.Stats()
	fmt.Println(box.stored, st.Records, st.Errors)
	if err := h.Close(); err != nil {
		panic(err)
	}
	// Output:
	// reported: outbox: store refused a record
	// [level=INFO msg="order placed" id=1042] 1 1
}
