package forwardtest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/slogx/handlers/netsink/forward/internal/fluentwire"
	"github.com/slogx/handlers/netsink/internal/testpeer"
)

// maxDepth bounds the nesting of maps and arrays in a message: an entry's record, its
// option, and the arrays that hold them.
const maxDepth = 64

// Modes of Forward protocol v1, as Message.Mode names them.
const (
	ModeMessage                 = "Message"
	ModeForward                 = "Forward"
	ModePackedForward           = "PackedForward"
	ModeCompressedPackedForward = "CompressedPackedForward"
)

// readMessage reads one message of any mode, at most max bytes and, decompressed, at most max
// bytes of entries.
func readMessage(d *fluentwire.Reader, max int) (Message, []Entry, error) {
	m := Message{Size: -1}
	d.Begin(max)
	n, err := d.ArrayLen()
	if err != nil {
		return m, nil, err
	}
	if n < 2 || n > 4 {
		return m, nil, fmt.Errorf("message of %d elements, want 2 to 4", n)
	}
	if m.Tag, err = d.Str(); err != nil {
		return m, nil, fmt.Errorf("tag: %w", err)
	}
	c, err := d.Peek()
	if err != nil {
		return m, nil, io.ErrUnexpectedEOF
	}
	var es []Entry
	var opt map[string]any
	switch {
	case c >= 0xa0 && c <= 0xbf, c == 0xd9, c == 0xda, c == 0xdb, c == 0xc4, c == 0xc5, c == 0xc6:
		m.Mode = ModePackedForward
		raw, err := d.Raw()
		if err != nil {
			return m, nil, fmt.Errorf("entries: %w", err)
		}
		if n == 3 {
			if opt, err = d.Map(1); err != nil {
				return m, nil, fmt.Errorf("option: %w", err)
			}
			m.option(opt)
		} else if n != 2 {
			return m, nil, fmt.Errorf("PackedForward message of %d elements", n)
		}
		if m.Compressed == "gzip" {
			m.Mode = ModeCompressedPackedForward
			if raw, err = testpeer.Gunzip(raw, max); err != nil {
				return m, nil, err
			}
		} else if m.Compressed != "" {
			return m, nil, fmt.Errorf("compressed %q, want gzip", m.Compressed)
		}
		sub := fluentwire.NewReader(bufio.NewReader(bytes.NewReader(raw)), "entries", maxDepth)
		sub.Begin(len(raw))
		for sub.Used() < len(raw) {
			e, err := readEntry(sub)
			if err != nil {
				return m, nil, fmt.Errorf("entry %d: %w", len(es), err)
			}
			es = append(es, e)
		}
	case c >= 0x90 && c <= 0x9f, c == 0xdc, c == 0xdd:
		m.Mode = ModeForward
		k, err := d.ArrayLen()
		if err != nil {
			return m, nil, err
		}
		for range k {
			e, err := readEntry(d)
			if err != nil {
				return m, nil, fmt.Errorf("entry %d: %w", len(es), err)
			}
			es = append(es, e)
		}
		if n == 3 {
			if opt, err = d.Map(1); err != nil {
				return m, nil, fmt.Errorf("option: %w", err)
			}
			m.option(opt)
		} else if n != 2 {
			return m, nil, fmt.Errorf("Forward message of %d elements", n)
		}
	default:
		m.Mode = ModeMessage
		if n < 3 {
			return m, nil, fmt.Errorf("Message of %d elements", n)
		}
		var e Entry
		if e.Time, err = readTime(d); err != nil {
			return m, nil, err
		}
		if e.Record, err = d.Map(1); err != nil {
			return m, nil, fmt.Errorf("record: %w", err)
		}
		es = append(es, e)
		if n == 4 {
			if opt, err = d.Map(1); err != nil {
				return m, nil, fmt.Errorf("option: %w", err)
			}
			m.option(opt)
		}
	}
	for i := range es {
		es[i].Tag = m.Tag
	}
	m.Entries, m.Bytes = len(es), d.Used()
	return m, es, nil
}

// option keeps the fields of a message's option map the protocol defines.
func (m *Message) option(opt map[string]any) {
	m.Chunk, _ = opt["chunk"].(string)
	if b, ok := opt["chunk"].([]byte); ok {
		m.Chunk = string(b)
	}
	m.Compressed, _ = opt["compressed"].(string)
	if n, ok := opt["size"].(int64); ok {
		m.Size = int(n)
	}
}

// readEntry reads [time, record].
func readEntry(d *fluentwire.Reader) (Entry, error) {
	var e Entry
	n, err := d.ArrayLen()
	if err != nil {
		return e, err
	}
	if n != 2 {
		return e, fmt.Errorf("entry of %d elements, want [time, record]", n)
	}
	if e.Time, err = readTime(d); err != nil {
		return e, err
	}
	if e.Record, err = d.Map(2); err != nil {
		return e, fmt.Errorf("record: %w", err)
	}
	return e, nil
}

// readTime reads an EventTime or integer seconds.
func readTime(d *fluentwire.Reader) (time.Time, error) {
	if c, err := d.Peek(); err == nil && (c >= 0x80 && c <= 0x9f || c >= 0xdc && c <= 0xdf) {
		return time.Time{}, fmt.Errorf("time: msgpack code 0x%02x, want EventTime or integer seconds", c)
	}
	v, err := d.Value(0)
	if err != nil {
		return time.Time{}, fmt.Errorf("time: %w", err)
	}
	switch t := v.(type) {
	case time.Time:
		return t, nil
	case int64:
		if t == 0 {
			return time.Time{}, nil
		}
		return time.Unix(t, 0), nil
	}
	return time.Time{}, fmt.Errorf("time of type %T, want EventTime or integer seconds", v)
}
