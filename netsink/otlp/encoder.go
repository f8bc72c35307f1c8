package otlp

import (
	"context"
	"log/slog"
	"runtime"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/slogx/handlers/internal/attrwalk"
	"github.com/slogx/handlers/internal/jsonstr"
	"github.com/slogx/handlers/netsink/internal/wire"
	"github.com/slogx/handlers/slogx"
)

// otlpEncoder appends one OTLP LogRecord per record: the protobuf message's fields (without
// its own tag and length: the transport frames each record into ScopeLogs.log_records), or
// the record's JSON object in OTLP's JSON mapping. It reads the trace context of the log call
// from the ctx Handle received (slogx.ContextEncoder), so derived loggers keep it too.
//
// Attributes go through the one attribute walker (internal/attrwalk), groups as kvlist values.
type otlpEncoder struct {
	opts  slogx.EncoderOptions
	json  bool
	trace func(context.Context) ([16]byte, [8]byte, byte, bool)
	now   func() time.Time // the observed time
	// frames hold the attributes of WithAttrs, encoded once, per open group (frames[0] is
	// the record's own attribute list), as the wire encoder (netsink/internal/wire) does.
	frames []otlpFrame
	groups []string
	steps  []wire.Step // WithAttrs and WithGroup calls, for WithOptions to replay
}

type otlpFrame struct {
	group string
	pre   []byte // complete KeyValues, comma-separated in JSON
	n     int    // how many
}

var _ slogx.ContextEncoder = (*otlpEncoder)(nil)

func newOTLPEncoder(json bool, trace func(context.Context) ([16]byte, [8]byte, byte, bool), now func() time.Time) *otlpEncoder {
	return &otlpEncoder{json: json, trace: trace, now: now, frames: []otlpFrame{{}}}
}

func (e *otlpEncoder) clone() *otlpEncoder {
	e2 := *e
	e2.frames = append([]otlpFrame(nil), e.frames...)
	e2.groups = e.groups[:len(e.groups):len(e.groups)]
	e2.steps = e.steps[:len(e.steps):len(e.steps)]
	return &e2
}

// rules: *slog.Source values become {function, file, line} kvlists; no hollow groups, since
// OTLP consumers have no use for an empty kvlist.
func (e *otlpEncoder) rules() attrwalk.Rules {
	return attrwalk.Rules{ReplaceAttr: e.opts.ReplaceAttr, SourceGroups: true}
}

// WithOptions implements slogx.Encoder, replaying the attrs and groups under the new options.
func (e *otlpEncoder) WithOptions(o slogx.EncoderOptions) slogx.Encoder {
	return wire.ReplaySteps(&otlpEncoder{opts: o, json: e.json, trace: e.trace, now: e.now, frames: []otlpFrame{{}}}, e.steps)
}

// WithAttrs implements slogx.Encoder: as are encoded now, once.
func (e *otlpEncoder) WithAttrs(as []slog.Attr) slogx.Encoder {
	if len(as) == 0 {
		return e
	}
	e2 := e.clone()
	e2.steps = append(e2.steps, wire.Step{Attrs: as})
	last := &e2.frames[len(e2.frames)-1]
	f := otlpRecordAttributes
	if len(e2.frames) > 1 {
		f = otlpListValues
	}
	w := otlpWriter{b: append([]byte(nil), last.pre...), json: e.json}
	var wk attrwalk.Walker
	wk.Begin(e.rules(), e.groups, len(e.groups))
	for _, a := range as {
		wk.Add(a)
		last.n += w.pairs(&wk, f, last.n)
	}
	wk.End()
	last.pre = w.b
	return e2
}

// WithGroup implements slogx.Encoder.
func (e *otlpEncoder) WithGroup(name string) slogx.Encoder {
	if name == "" {
		return e
	}
	e2 := e.clone()
	e2.steps = append(e2.steps, wire.Step{Group: name})
	e2.frames = append(e2.frames, otlpFrame{group: name})
	e2.groups = append(e2.groups, name)
	return e2
}

// Append implements slogx.Encoder: a record with no trace context.
func (e *otlpEncoder) Append(dst []byte, r slog.Record) []byte {
	return e.AppendContext(context.Background(), dst, r)
}

// AppendContext implements slogx.ContextEncoder.
func (e *otlpEncoder) AppendContext(ctx context.Context, dst []byte, r slog.Record) []byte {
	var tc otlpTrace
	if e.trace != nil && ctx != nil {
		var ok bool
		tc.trace, tc.span, tc.flags, ok = e.trace(ctx)
		tc.ok = ok && tc.trace != [16]byte{}
	}
	var src *runtime.Frame
	var frame runtime.Frame
	if e.opts.AddSource && r.PC != 0 {
		// Only with AddSource, which costs slog's own handlers an allocation too.
		frame, _ = runtime.CallersFrames([]uintptr{r.PC}).Next()
		src = &frame
	}
	observed := e.now()
	w := otlpWriter{b: dst, json: e.json}
	if e.json {
		w.recordJSON(e, r, observed, src, &tc)
	} else {
		w.recordProto(e, r, observed, src, &tc)
	}
	return w.b
}

// otlpTrace is what Options.TraceContext returned for a record.
type otlpTrace struct {
	trace [16]byte
	span  [8]byte
	flags byte
	ok    bool
}

// otlpUnixNano returns t as OTLP's unsigned nanoseconds; 0 (unknown) for a zero time or one
// before 1970, which OTLP cannot carry.
func otlpUnixNano(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	if n := t.UnixNano(); n > 0 {
		return uint64(n)
	}
	return 0
}

// otlpSeverity maps a slog level onto OTLP's severity numbers: DEBUG 5, INFO 9, WARN 13,
// ERROR 17, and Python's CRITICAL (slog 12) FATAL 21. OTel's ranges are four wide like
// slog's steps, so DEBUG+1 is DEBUG2 and so on; beyond the ends it saturates at TRACE 1 and
// FATAL4 24.
func otlpSeverity(l slog.Level) uint64 {
	return uint64(min(max(int(l)+9, 1), 24))
}

// otlpLevelNamesMin is the level of otlpLevelNames[0].
const otlpLevelNamesMin = -16

// otlpLevelNames are slog's names of the levels from DEBUG-12 to ERROR+8, computed once:
// slog.Level.String allocates for every level but the four named ones.
var otlpLevelNames = func() (names [33]string) {
	for i := range names {
		names[i] = slog.Level(i + otlpLevelNamesMin).String()
	}
	return names
}()

// otlpLevelText returns slog's name of l ("INFO", "ERROR+4").
func otlpLevelText(l slog.Level) string {
	if i := int(l) - otlpLevelNamesMin; i >= 0 && i < len(otlpLevelNames) {
		return otlpLevelNames[i]
	}
	return l.String()
}

// recordProto appends the fields of a LogRecord message.
func (w *otlpWriter) recordProto(e *otlpEncoder, r slog.Record, observed time.Time, src *runtime.Frame, tc *otlpTrace) {
	if t := otlpUnixNano(r.Time); t != 0 {
		w.b = pbFixed64(w.b, otlpRecordTime, t)
	}
	w.b = pbFixed64(w.b, otlpRecordObserved, otlpUnixNano(observed))
	w.b = pbVarint(w.b, otlpRecordSeverity, otlpSeverity(r.Level))
	w.b = pbString(w.b, otlpRecordSeverityText, otlpLevelText(r.Level))
	var at int
	w.b, at = pbOpen(w.b, otlpRecordBody)
	w.b = pbString(w.b, otlpValueString, r.Message)
	w.b = pbClose(w.b, at)
	w.attrs(e, r, src)
	if tc.ok {
		w.b = pbFixed32(w.b, otlpRecordFlags, uint32(tc.flags))
		w.b = pbBytes(w.b, otlpRecordTraceID, tc.trace[:])
		if tc.span != [8]byte{} {
			w.b = pbBytes(w.b, otlpRecordSpanID, tc.span[:])
		}
	}
}

// recordJSON appends a LogRecord object of OTLP's JSON mapping: camelCase names, 64-bit
// integers as decimal strings, ids as hex, the severity number as an integer.
func (w *otlpWriter) recordJSON(e *otlpEncoder, r slog.Record, observed time.Time, src *runtime.Frame, tc *otlpTrace) {
	w.b = append(w.b, '{')
	if t := otlpUnixNano(r.Time); t != 0 {
		w.b = append(w.b, `"timeUnixNano":"`...)
		w.b = appendUint(w.b, t)
		w.b = append(w.b, `",`...)
	}
	w.b = append(w.b, `"observedTimeUnixNano":"`...)
	w.b = appendUint(w.b, otlpUnixNano(observed))
	w.b = append(w.b, `","severityNumber":`...)
	w.b = appendUint(w.b, otlpSeverity(r.Level))
	w.b = append(w.b, `,"severityText":`...)
	w.b = jsonstr.Append(w.b, otlpLevelText(r.Level))
	w.b = append(w.b, `,"body":{`...)
	w.str(r.Message)
	w.b = append(w.b, '}')
	w.attrs(e, r, src)
	if tc.ok {
		w.b = append(w.b, `,"traceId":"`...)
		w.b = appendHex(w.b, tc.trace[:])
		if tc.span != [8]byte{} {
			w.b = append(w.b, `","spanId":"`...)
			w.b = appendHex(w.b, tc.span[:])
		}
		w.b = append(w.b, `","flags":`...)
		w.b = appendUint(w.b, uint64(tc.flags))
	}
	w.b = append(w.b, '}')
}

// otlpOpenGroup is a WithGroup group opened around a record's attributes.
type otlpOpenGroup struct {
	start int // where its KeyValue begins, to take it back when nothing is in it
	n     int // members of the level around it before it
	kv    otlpMark
	list  int
}

// attrs appends the record's attributes: those of WithAttrs, the source, the record's own,
// inside the WithGroup groups, which are taken back when nothing ends up in them.
func (w *otlpWriter) attrs(e *otlpEncoder, r slog.Record, src *runtime.Frame) {
	start := len(w.b)
	if w.json {
		w.b = append(w.b, `,"attributes":[`...)
	}
	f := otlpRecordAttributes
	w.b = append(w.b, e.frames[0].pre...)
	n := e.frames[0].n
	if src != nil {
		n += w.source(f, src, n)
	}
	var stack [8]otlpOpenGroup
	open := stack[:0]
	for _, fr := range e.frames[1:] {
		g := otlpOpenGroup{start: len(w.b), n: n}
		g.kv = w.kvOpen(f, fr.group, n == 0)
		g.list = w.listOpen(otlpValueKVList)
		open = append(open, g)
		f = otlpListValues
		w.b = append(w.b, fr.pre...)
		n = fr.n
	}
	if r.NumAttrs() > 0 {
		var wk attrwalk.Walker
		wk.Begin(e.rules(), e.groups, len(e.groups))
		r.Attrs(func(a slog.Attr) bool {
			if wk.Plain(a) {
				w.leaf(f, a, n == 0)
				n++
			} else {
				wk.Add(a)
				n += w.pairs(&wk, f, n)
			}
			return true
		})
		wk.End()
	}
	for i := len(open) - 1; i >= 0; i-- {
		g := open[i]
		if n == 0 {
			w.b, n = w.b[:g.start], g.n
			continue
		}
		w.listClose(g.list)
		w.kvClose(g.kv)
		n = g.n + 1
	}
	if n == 0 {
		w.b = w.b[:start]
		return
	}
	if w.json {
		w.b = append(w.b, ']')
	}
}

// source appends the OpenTelemetry semantic conventions' code attributes for the log call
// and returns how many.
func (w *otlpWriter) source(f protowire.Number, fr *runtime.Frame, n int) int {
	k := 0
	if fr.Function != "" {
		m := w.kvOpen(f, "code.function.name", n+k == 0)
		w.str(fr.Function)
		w.kvClose(m)
		k++
	}
	if fr.File != "" {
		m := w.kvOpen(f, "code.file.path", n+k == 0)
		w.str(fr.File)
		w.kvClose(m)
		k++
	}
	if fr.Line != 0 {
		m := w.kvOpen(f, "code.line.number", n+k == 0)
		w.int(int64(fr.Line))
		w.kvClose(m)
		k++
	}
	return k
}

// pairs appends what wk yields, up to the end of the attribute given to Add or of the
// current group, as KeyValues of field f; n are those already at this level. It returns how
// many it appended at this level.
func (w *otlpWriter) pairs(wk *attrwalk.Walker, f protowire.Number, n int) int {
	k := 0
	for {
		switch wk.Next() {
		case attrwalk.Done, attrwalk.Close:
			return k
		case attrwalk.Open:
			m := w.kvOpen(f, wk.Key(), n+k == 0)
			at := w.listOpen(otlpValueKVList)
			w.pairs(wk, otlpListValues, 0)
			w.listClose(at)
			w.kvClose(m)
			k++
		case attrwalk.Leaf:
			w.leaf(f, wk.Attr(), n+k == 0)
			k++
		}
	}
}

// leaf appends a non-group attribute as a KeyValue of field f.
func (w *otlpWriter) leaf(f protowire.Number, a slog.Attr, first bool) {
	m := w.kvOpen(f, a.Key, first)
	w.value(a.Value)
	w.kvClose(m)
}
