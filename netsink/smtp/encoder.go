package smtp

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"text/template"

	"github.com/slogx/handlers/internal/attrtree"
	"github.com/slogx/handlers/slogx"
)

// smtpEncoder renders one record for the SMTP sender: the subject needs the record itself
// (Record), and the values of a record may change once Handle returns, so both the subject
// and the body are rendered on the caller's goroutine. The bytes are
//
//	varint(level) uvarint(len(subject)) subject body
//
// which smtpSplit takes apart again on the sender's side. The subject is already safe for a
// header (smtpCleanSubject).
type smtpEncoder struct {
	subj  *smtpSubject
	body  slogx.Encoder
	scope attrtree.Scope // what Record.Attr looks in
}

// smtpSubject is the subject template and where a failure of it is reported; it is shared by
// an encoder and every encoder derived from it.
type smtpSubject struct {
	tmpl *template.Template
	rep  *slogx.Reporter // set by New before the first record
}

// newSMTPEncoder returns the encoder of an SMTP handler whose subject is tmpl and whose body
// is body's encoding (slogx.Text() when nil). Its reporter must be set before the first
// record.
func newSMTPEncoder(tmpl *template.Template, body slogx.Encoder) *smtpEncoder {
	if body == nil {
		body = slogx.Text()
	}
	return &smtpEncoder{subj: &smtpSubject{tmpl: tmpl}, body: body,
		scope: attrtree.New(nil)}
}

// WithOptions implements slogx.Encoder.
func (e *smtpEncoder) WithOptions(o slogx.EncoderOptions) slogx.Encoder {
	return &smtpEncoder{subj: e.subj, body: e.body.WithOptions(o), scope: attrtree.New(o.ReplaceAttr)}
}

// WithAttrs implements slogx.Encoder.
func (e *smtpEncoder) WithAttrs(as []slog.Attr) slogx.Encoder {
	if len(as) == 0 {
		return e
	}
	return &smtpEncoder{subj: e.subj, body: e.body.WithAttrs(as), scope: e.scope.WithAttrs(as)}
}

// WithGroup implements slogx.Encoder.
func (e *smtpEncoder) WithGroup(name string) slogx.Encoder {
	if name == "" {
		return e
	}
	return &smtpEncoder{subj: e.subj, body: e.body.WithGroup(name), scope: e.scope.WithGroup(name)}
}

// Append implements slogx.Encoder. A failing subject template is reported and replaced by
// "LEVEL: message": the record still goes out.
func (e *smtpEncoder) Append(dst []byte, r slog.Record) []byte {
	data := Record{Time: r.Time, Level: r.Level, LevelName: slogx.PythonLevelName(r.Level),
		Message: r.Message, scope: e.scope, rec: r}
	var sw smtpSubjectWriter
	if err := e.subj.tmpl.Execute(&sw, data); err != nil {
		e.subj.rep.Error(fmt.Errorf("netsink: smtp subject template: %w", err))
		sw.b = append(sw.b[:0], data.LevelName+": "+data.Message...)
	}
	subject := smtpCleanSubject(string(sw.b))
	dst = binary.AppendVarint(dst, int64(r.Level))
	dst = binary.AppendUvarint(dst, uint64(len(subject)))
	dst = append(dst, subject...)
	return e.body.Append(dst, r)
}

// smtpSubjectWriter collects a template's output.
type smtpSubjectWriter struct{ b []byte }

func (w *smtpSubjectWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// smtpSplit takes apart what smtpEncoder.Append wrote. ok is false for bytes it did not write.
func smtpSplit(p []byte) (level slog.Level, subject string, body []byte, ok bool) {
	l, n := binary.Varint(p)
	if n <= 0 {
		return 0, "", nil, false
	}
	p = p[n:]
	size, n := binary.Uvarint(p)
	if n <= 0 || size > uint64(len(p)-n) {
		return 0, "", nil, false
	}
	p = p[n:]
	return slog.Level(l), string(p[:size]), p[size:], true
}
