// Portions of this file are adapted from the Go standard library's log/slog (handler.go,
// json_handler.go, text_handler.go), Copyright 2022 The Go Authors, BSD-style license.
// They are kept close to the original on purpose: JSON() and Text() must produce exactly the
// bytes slog.JSONHandler and slog.TextHandler produce, so consumers of those formats need no
// change.

package slogx

import (
	"log/slog"
	"slices"
	"time"

	"github.com/slogx/handlers/internal/attrwalk"
	"github.com/slogx/handlers/internal/buffer"
)

// structured is the one encoder core behind JSON() and Text(): attribute walking, group
// handling, ReplaceAttr and precomputation live here once; the json flag selects the syntax.
type structured struct {
	json bool
	opts EncoderOptions
	// pre holds the attrs added with WithAttrs, already encoded.
	pre []byte
	// groupPrefix is for text only: the "a.b." prefix of groups already opened in pre.
	groupPrefix string
	groups      []string // all groups started with WithGroup
	nOpenGroups int      // how many of groups are opened inside pre
	times       *timeCache
}

// JSON returns an encoder producing the same bytes as slog.JSONHandler: one JSON object per
// record with keys time, level, source (with AddSource), msg, then the attributes, groups as
// nested objects.
func JSON() Encoder { return &structured{json: true, times: new(timeCache)} }

// Text returns an encoder producing the same bytes as slog.TextHandler (logfmt): key=value
// pairs separated by spaces, group members qualified as group.key.
func Text() Encoder { return &structured{times: new(timeCache)} }

func (e *structured) clone() *structured {
	return &structured{
		json:        e.json,
		opts:        e.opts,
		pre:         slices.Clip(e.pre),
		groupPrefix: e.groupPrefix,
		groups:      slices.Clip(e.groups),
		nOpenGroups: e.nOpenGroups,
		times:       e.times,
	}
}

// WithOptions implements Encoder.
func (e *structured) WithOptions(o EncoderOptions) Encoder {
	e2 := e.clone()
	e2.opts = o
	return e2
}

// WithGroup implements Encoder.
func (e *structured) WithGroup(name string) Encoder {
	if name == "" {
		return e
	}
	e2 := e.clone()
	e2.groups = append(e2.groups, name)
	return e2
}

// WithAttrs implements Encoder.
func (e *structured) WithAttrs(as []slog.Attr) Encoder {
	if countEmptyGroups(as) == len(as) {
		return e
	}
	e2 := e.clone()
	s := e2.newState(e2.pre)
	defer s.free()
	if e.groupPrefix != "" {
		s.prefixWrite(e.groupPrefix)
	}
	if pfa := e2.pre; len(pfa) > 0 {
		s.sep = e.attrSep()
		if e2.json && pfa[len(pfa)-1] == '{' {
			s.sep = ""
		}
	}
	// The groups not yet open in pre open before the first attr written, if any is.
	s.walk.Begin(e.rules(), e.groups, e.nOpenGroups)
	for _, a := range as {
		s.appendAttr(a)
	}
	if s.prefix != nil {
		e2.groupPrefix = string(*s.prefix)
	}
	e2.nOpenGroups = s.walk.BaseOpen()
	e2.pre = s.buf
	return e2
}

// rules are slog's attribute rules as slog's own handlers apply them, quirks included, so
// that the output matches theirs byte for byte.
func (e *structured) rules() attrwalk.Rules {
	return attrwalk.Rules{ReplaceAttr: e.opts.ReplaceAttr, HollowGroups: true, SourceGroups: e.json}
}

func countEmptyGroups(as []slog.Attr) int {
	n := 0
	for _, a := range as {
		if a.Value.Kind() == slog.KindGroup && len(a.Value.Group()) == 0 {
			n++
		}
	}
	return n
}

func (e *structured) attrSep() string {
	if e.json {
		return ","
	}
	return " "
}

// Append implements Encoder.
func (e *structured) Append(dst []byte, r slog.Record) []byte {
	s := e.newState(dst)
	if e.json {
		s.buf = append(s.buf, '{')
	}
	rep := e.opts.ReplaceAttr
	if !r.Time.IsZero() {
		t := r.Time.Round(0) // strip the monotonic reading, as slog.Time does
		if rep == nil {
			if e.json {
				s.buf = append(s.buf, `"time":`...)
			} else {
				s.buf = append(s.buf, "time="...)
			}
			s.sep = e.attrSep()
			s.appendTime(t)
		} else {
			s.appendAttr(slog.Time(slog.TimeKey, t))
		}
	}
	if rep == nil {
		s.appendSep()
		if e.json {
			s.buf = append(s.buf, `"level":`...)
		} else {
			s.buf = append(s.buf, "level="...)
		}
		s.sep = e.attrSep()
		s.appendString(r.Level.String())
	} else {
		s.appendAttr(slog.Any(slog.LevelKey, r.Level))
	}
	if e.opts.AddSource {
		src := r.Source()
		if src == nil {
			src = &slog.Source{}
		}
		s.appendAttr(slog.Any(slog.SourceKey, src))
	}
	if rep == nil {
		s.appendSep()
		if e.json {
			s.buf = append(s.buf, `"msg":`...)
		} else {
			s.buf = append(s.buf, "msg="...)
		}
		s.sep = e.attrSep()
		s.appendString(r.Message)
	} else {
		s.appendAttr(slog.String(slog.MessageKey, r.Message))
	}
	s.appendNonBuiltIns(r)
	s.free()
	return s.buf
}

// state holds what one Append (or WithAttrs) call needs while walking attributes.
type state struct {
	e      *structured
	buf    []byte
	sep    string  // written before the next key
	prefix *[]byte // text only: qualified-key prefix; nil until a group needs one
	walk   attrwalk.Walker
}

// newState starts with the built-in attributes, which are in no group: ReplaceAttr sees
// no groups for them.
func (e *structured) newState(buf []byte) state {
	s := state{e: e, buf: buf}
	s.walk.Begin(e.rules(), nil, 0)
	return s
}

func (s *state) free() {
	s.walk.End()
	if s.prefix != nil {
		buffer.Put(s.prefix)
		s.prefix = nil
	}
}

func (s *state) prefixWrite(p string) {
	if s.prefix == nil {
		s.prefix = buffer.Get()
	}
	*s.prefix = append(*s.prefix, p...)
}

func (s *state) appendNonBuiltIns(r slog.Record) {
	e := s.e
	if pfa := e.pre; len(pfa) > 0 {
		s.appendSep()
		s.buf = append(s.buf, pfa...)
		s.sep = e.attrSep()
		if e.json && pfa[len(pfa)-1] == '{' {
			s.sep = ""
		}
	}
	// Attrs of the record are inside the groups started with WithGroup, which open before
	// the first attr written. A record without attrs opens no group.
	nOpenGroups := e.nOpenGroups
	if r.NumAttrs() > 0 {
		if e.groupPrefix != "" {
			s.prefixWrite(e.groupPrefix)
		}
		s.walk.End()
		s.walk.Begin(e.rules(), e.groups, e.nOpenGroups)
		r.Attrs(func(a slog.Attr) bool {
			s.appendAttr(a)
			return true
		})
		nOpenGroups = s.walk.BaseOpen()
	}
	if e.json {
		for range e.groups[:nOpenGroups] {
			s.buf = append(s.buf, '}')
		}
		s.buf = append(s.buf, '}')
	}
}

func (s *state) openGroup(name string) {
	if s.e.json {
		s.appendKey(name)
		s.buf = append(s.buf, '{')
		s.sep = ""
	} else {
		s.prefixWrite(name)
		*s.prefix = append(*s.prefix, '.')
	}
}

func (s *state) closeGroup(name string) {
	if s.e.json {
		s.buf = append(s.buf, '}')
	} else {
		*s.prefix = (*s.prefix)[:len(*s.prefix)-len(name)-1]
	}
	s.sep = s.e.attrSep()
}

// appendAttr appends a as slog's rules have it: the walker decides, this writes.
func (s *state) appendAttr(a slog.Attr) {
	if s.walk.Plain(a) {
		// The path almost every attribute takes: inline the JSON key. The JSON separator
		// is "," or "": a byte append avoids a memmove call.
		if s.e.json {
			b := s.buf
			if s.sep != "" {
				b = append(b, ',', '"')
			} else {
				b = append(b, '"')
			}
			b = appendEscapedJSONString(b, a.Key)
			b = append(b, '"', ':')
			s.buf = appendJSONValue(b, a.Value)
			s.sep = ","
			return
		}
		s.appendKey(a.Key)
		s.buf = appendTextValue(s.buf, a.Value)
		return
	}
	s.walk.Add(a)
	for {
		switch s.walk.Next() {
		case attrwalk.Done:
			return
		case attrwalk.Open:
			s.openGroup(s.walk.Key())
		case attrwalk.Close:
			s.closeGroup(s.walk.Key())
		case attrwalk.Leaf:
			s.appendLeaf(s.walk.Attr())
		}
	}
}

func (s *state) appendLeaf(a slog.Attr) {
	if a.Value.Kind() == slog.KindAny { // Any() of other kinds allocates
		if src, ok := a.Value.Any().(*slog.Source); ok {
			// JSON walks the source as a group (Rules.SourceGroups); text prints file:line.
			a.Value = slog.StringValue(sourceText(src))
		}
	}
	s.appendKey(a.Key)
	s.appendValue(a.Value)
}

// appendSep writes the pending separator. It is always one byte or none (",", " ", ""), and
// a byte append is cheaper than a string append, which calls memmove.
func (s *state) appendSep() {
	if s.sep != "" {
		s.buf = append(s.buf, s.sep[0])
	}
}

func (s *state) appendKey(key string) {
	s.appendSep()
	if s.prefix != nil && len(*s.prefix) > 0 {
		s.appendTwoStrings(string(*s.prefix), key)
	} else {
		s.appendString(key)
	}
	if s.e.json {
		s.buf = append(s.buf, ':')
	} else {
		s.buf = append(s.buf, '=')
	}
	s.sep = s.e.attrSep()
}

func (s *state) appendString(str string) {
	if s.e.json {
		s.buf = append(s.buf, '"')
		s.buf = appendEscapedJSONString(s.buf, str)
		s.buf = append(s.buf, '"')
	} else {
		s.buf = appendTextString(s.buf, str)
	}
}

func (s *state) appendTwoStrings(x, y string) {
	if s.e.json {
		s.buf = append(s.buf, '"')
		s.buf = appendEscapedJSONString(s.buf, x)
		s.buf = appendEscapedJSONString(s.buf, y)
		s.buf = append(s.buf, '"')
		return
	}
	s.buf = appendTextTwoStrings(s.buf, x, y)
}

func (s *state) appendValue(v slog.Value) {
	if s.e.json {
		s.buf = appendJSONValue(s.buf, v)
	} else {
		s.buf = appendTextValue(s.buf, v)
	}
}

func (s *state) appendTime(t time.Time) {
	if s.e.json {
		s.buf = appendJSONTime(s.buf, t, s.e.times)
	} else {
		s.buf = s.e.times.appendRFC3339Millis(s.buf, t)
	}
}
