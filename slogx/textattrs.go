package slogx

import (
	"log/slog"
	"runtime"
)

// TextAttrs returns an encoder that writes only a record's attributes (and the source with
// AddSource) in exactly Text()'s logfmt, without time, level and msg: "k=v g.k2=v2". It
// writes nothing for a record without attributes, and never a leading or trailing space.
//
// It exists for sinks that carry time, level and message in fields of their own (a syslog
// header, an e-mail subject) and want the remaining attributes in the familiar form.
func TextAttrs() Encoder { return textAttrs{s: &structured{}} }

type textAttrs struct{ s *structured }

// Append implements Encoder.
func (e textAttrs) Append(dst []byte, r slog.Record) []byte {
	return e.appendRecord(dst, &r)
}

// appendRecord is Append for a record the caller holds: Pattern's %(attrs)s passes its own
// copy rather than a second one (a slog.Record is some 300 bytes).
func (e textAttrs) appendRecord(dst []byte, r *slog.Record) []byte {
	dst, _ = e.appendRecordSeeing(dst, r, false)
	return dst
}

// appendRecordSeeing is appendRecord that, with seeLogger, also reports whether r may have
// an attribute with the key LoggerKey: surely when it has one and the encoder takes the
// direct path, and always otherwise (the caller then looks for itself).
func (e textAttrs) appendRecordSeeing(dst []byte, r *slog.Record, seeLogger bool) (_ []byte, sawLogger bool) {
	if e.s.direct() {
		space := false
		if e.s.opts.AddSource && r.PC != 0 {
			dst, space = e.s.appendWalkedAttr(dst, false, slog.Any(slog.SourceKey, framesSource(r.PC)))
		}
		return e.s.appendTextAttrs(dst, r, space, seeLogger)
	}
	return e.appendWalked(dst, r), seeLogger
}

// appendWalked is appendRecord through the walker, for encoders with ReplaceAttr or groups
// to open.
func (e textAttrs) appendWalked(dst []byte, r *slog.Record) []byte {
	var st state
	st.init(e.s, dst)
	if e.s.opts.AddSource && r.PC != 0 {
		st.appendAttr(slog.Any(slog.SourceKey, framesSource(r.PC)))
	}
	st.appendNonBuiltIns(r)
	st.free()
	return st.buf
}

// WithAttrs implements Encoder.
func (e textAttrs) WithAttrs(as []slog.Attr) Encoder {
	return textAttrs{s: e.s.WithAttrs(as).(*structured)}
}

// WithGroup implements Encoder.
func (e textAttrs) WithGroup(name string) Encoder {
	return textAttrs{s: e.s.WithGroup(name).(*structured)}
}

// WithOptions implements Encoder.
func (e textAttrs) WithOptions(o EncoderOptions) Encoder {
	return textAttrs{s: e.s.WithOptions(o).(*structured)}
}

// framesSource is the source of the call at pc.
func framesSource(pc uintptr) *slog.Source {
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	return &slog.Source{Function: f.Function, File: f.File, Line: f.Line}
}
