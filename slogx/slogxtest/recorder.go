package slogxtest

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/slogx/handlers/internal/attrtree"
)

// A Record is a record as a Recorder kept it.
type Record struct {
	Time    time.Time // the record's time; zero if it had none
	Level   slog.Level
	Message string
	// Attrs holds every attribute of the record and of the handler it was logged through
	// (WithAttrs), resolved, keyed by its dotted group path: "id" at the top level, "req.id"
	// in group req, whether the group came from WithGroup, slog.Group or a LogValuer. Group
	// values never appear, only their members; a key repeated at one path keeps its last
	// value. Attributes follow slog's rules as this module's encoders apply them: empty
	// attributes and groups are left out, members of a group with an empty key are inlined.
	Attrs map[string]slog.Value
}

// Recorder is a slog.Handler that keeps every record it handles, at every level, for tests
// to inspect. The handlers derived from it with WithAttrs and WithGroup are Recorders that
// keep their records in the same list, in the order Handle was called, so Records and Find
// on any of them see every record. A Recorder is safe for concurrent use.
type Recorder struct {
	list  *recordList
	scope attrtree.Scope
}

type recordList struct {
	mu      sync.Mutex
	records []Record
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{list: new(recordList), scope: attrtree.New(nil)}
}

// Enabled reports true: a Recorder keeps every level.
func (r *Recorder) Enabled(context.Context, slog.Level) bool { return true }

// Handle keeps rec with its attributes resolved. It never fails.
func (r *Recorder) Handle(_ context.Context, rec slog.Record) error {
	kept := Record{Time: rec.Time, Level: rec.Level, Message: rec.Message, Attrs: map[string]slog.Value{}}
	flatten(kept.Attrs, "", r.scope.Attrs(rec))
	r.list.mu.Lock()
	r.list.records = append(r.list.records, kept)
	r.list.mu.Unlock()
	return nil
}

// flatten puts the leaves of as into m under their dotted paths.
func flatten(m map[string]slog.Value, prefix string, as []slog.Attr) {
	for _, a := range as {
		if a.Value.Kind() == slog.KindGroup {
			flatten(m, prefix+a.Key+".", a.Value.Group())
			continue
		}
		m[prefix+a.Key] = a.Value
	}
}

// WithAttrs returns a Recorder sharing r's records whose records also carry as.
func (r *Recorder) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return r
	}
	return &Recorder{list: r.list, scope: r.scope.WithAttrs(as)}
}

// WithGroup returns a Recorder sharing r's records whose later attributes are in group name.
func (r *Recorder) WithGroup(name string) slog.Handler {
	if name == "" {
		return r
	}
	return &Recorder{list: r.list, scope: r.scope.WithGroup(name)}
}

// Records returns the records kept so far, oldest first, in a slice of the caller's. The
// Attrs maps are shared with the Recorder: read them, do not modify them.
func (r *Recorder) Records() []Record {
	r.list.mu.Lock()
	defer r.list.mu.Unlock()
	return append([]Record(nil), r.list.records...)
}

// Find returns the first record kept whose message is message, and whether there is one.
func (r *Recorder) Find(message string) (Record, bool) {
	r.list.mu.Lock()
	defer r.list.mu.Unlock()
	for _, rec := range r.list.records {
		if rec.Message == message {
			return rec, true
		}
	}
	return Record{}, false
}

// Reset forgets every record kept so far, for this Recorder and every one derived from it.
func (r *Recorder) Reset() {
	r.list.mu.Lock()
	r.list.records = nil
	r.list.mu.Unlock()
}
