package benchmarks

import (
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"
)

// handAppend returns the "hand-append" workload of c, writing to w: the line slog.JSONHandler
// writes for c's record, appended by hand with strconv and time, the way a program that knows
// its fields writes them. Keys and the level are constants; the message and string values
// are appended as they are between quotes, since such a program knows they need no escaping
// (an encoder cannot: it scans them); the time is formatted with Time.AppendFormat, numbers
// with strconv; the line goes to w in one Write from a pooled buffer, as every logger here
// does. TestSameOutputAsSlog checks the bytes. It is the floor an encoder that discovers its
// fields at run time is measured against.
func handAppend(c benchCase, w io.Writer) func() error {
	var fields func(b []byte) []byte
	switch c.name {
	case "noattrs":
		fields = func(b []byte) []byte { return b }
	case "5attrs":
		fields = handA
	case "with5_5attrs":
		fields = func(b []byte) []byte { return handB(handA(b)) }
	default:
		panic(fmt.Sprintf("no hand-written workload for case %q", c.name))
	}
	return func() error {
		bp := handPool.Get().(*[]byte)
		b := append((*bp)[:0], `{"time":"`...)
		b = benchTime.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","level":"INFO","msg":"`...)
		b = append(b, msg...)
		b = append(b, '"')
		b = fields(b)
		b = append(b, '}', '\n')
		_, err := w.Write(b)
		*bp = b
		handPool.Put(bp)
		return err
	}
}

var handPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// handA and handB append sets A and B as slog.JSONHandler writes them (a float in
// encoding/json's positional form, a duration in nanoseconds).
func handA(b []byte) []byte {
	b = append(b, `,"method":"`...)
	b = append(b, aStr...)
	b = append(b, `","status":`...)
	b = strconv.AppendInt(b, int64(aInt), 10)
	b = append(b, `,"load":`...)
	b = strconv.AppendFloat(b, aFloat, 'f', -1, 64)
	b = append(b, `,"cached":`...)
	b = strconv.AppendBool(b, aBool)
	b = append(b, `,"elapsed":`...)
	return strconv.AppendInt(b, int64(aDur), 10)
}

func handB(b []byte) []byte {
	b = append(b, `,"path":"`...)
	b = append(b, bStr...)
	b = append(b, `","bytes":`...)
	b = strconv.AppendInt(b, int64(bInt), 10)
	b = append(b, `,"cpu":`...)
	b = strconv.AppendFloat(b, bFloat, 'f', -1, 64)
	b = append(b, `,"retried":`...)
	b = strconv.AppendBool(b, bBool)
	b = append(b, `,"wait":`...)
	return strconv.AppendInt(b, int64(bDur), 10)
}
