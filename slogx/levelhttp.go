package slogx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
)

// levelBodyLimit bounds what a level request may send: a level fits in a few bytes, and a
// handler often reachable from a network must not read an unbounded body.
const levelBodyLimit = 4 << 10

// levelAllow lists the methods LevelHandler serves.
const levelAllow = "GET, HEAD, PUT, POST"

// LevelHandler returns an HTTP handler that reads and changes v at run time, as zap's
// AtomicLevel.ServeHTTP does for zap:
//
//	GET          200 {"level":"INFO"}
//	PUT or POST  {"level":"DEBUG"} sets v and answers 200 {"level":"DEBUG"}, the new level
//	bad input    400 {"error":"<why>"}, v unchanged
//	other        405 {"error":"..."} with an Allow header
//
// HEAD answers as GET without a body. Like zap, a PUT or POST whose Content-Type is
// application/x-www-form-urlencoded may send level=debug in the body or the query string
// (the body wins); any other body is JSON, whose "level" is a string or a number.
//
// A level is read by one rule, whatever carries it:
//
//   - a name, in any case: DEBUG, INFO, WARN, ERROR (slog's), WARNING, CRITICAL, FATAL
//     (Python's; CRITICAL and FATAL are LevelCritical, 12), optionally with slog's offset
//     form as printed by slog.Level.String: "INFO+2", "DEBUG-4", "CRITICAL+1";
//   - a bare integer, as a JSON number or as a string, is on slog's scale: 4 is WARN, 12
//     CRITICAL, -8 a TRACE below DEBUG;
//   - Python's numeric levels carry the prefix "python:": "python:30" is WARNING,
//     "python:10" DEBUG, converted with FromPythonLevel (python:25 is INFO+2).
//
// So 10 alone is slog's ERROR+2, never Python's DEBUG: a bare number is never guessed to be
// Python's. Integers must fit in 32 bits. The answer names a level as slog.Level.String
// does, except that LevelCritical and above are named from CRITICAL ("CRITICAL",
// "CRITICAL+1"); every answer can be sent back as a request.
//
// The handler is safe for concurrent use; the change is visible to the next log call of every
// handler that reads v. It does no authentication: mount it where only operators reach it.
func LevelHandler(v *slog.LevelVar) http.Handler {
	return levelHandler{v}
}

type levelHandler struct{ v *slog.LevelVar }

type levelPayload struct {
	Level string `json:"level"`
}

type levelError struct {
	Error string `json:"error"`
}

func (h levelHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		writeLevelJSON(w, http.StatusOK, levelPayload{levelName(h.v.Level())})
	case http.MethodPut, http.MethodPost:
		l, err := decodeLevelRequest(w, r)
		if err != nil {
			writeLevelJSON(w, http.StatusBadRequest, levelError{err.Error()})
			return
		}
		h.v.Set(l)
		writeLevelJSON(w, http.StatusOK, levelPayload{levelName(l)})
	default:
		w.Header().Set("Allow", levelAllow)
		writeLevelJSON(w, http.StatusMethodNotAllowed, levelError{fmt.Sprintf("method %s not allowed: use %s", r.Method, levelAllow)})
	}
}

// writeLevelJSON writes v as the JSON answer; a failed write means the client went away.
func writeLevelJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v) // two string fields: cannot fail
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// decodeLevelRequest reads the requested level from a form or a JSON body.
func decodeLevelRequest(w http.ResponseWriter, r *http.Request) (slog.Level, error) {
	r.Body = http.MaxBytesReader(w, r.Body, levelBodyLimit)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		if err := r.ParseForm(); err != nil {
			return 0, fmt.Errorf("malformed form: %v", err)
		}
		s := r.Form.Get("level")
		if s == "" {
			return 0, errors.New(`must specify the level: level=debug`)
		}
		return parseLevel(s)
	}
	var p struct {
		Level json.RawMessage `json:"level"`
	}
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&p); err != nil {
		return 0, fmt.Errorf("malformed request body: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return 0, errors.New(`malformed request body: more than one JSON value`)
	}
	switch raw := strings.TrimSpace(string(p.Level)); {
	case raw == "" || raw == "null":
		return 0, errors.New(`must specify the level: {"level":"DEBUG"}`)
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(p.Level, &s); err != nil {
			return 0, fmt.Errorf("malformed level: %v", err)
		}
		return parseLevel(s)
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		return parseLevelInt(raw, "")
	default:
		return 0, fmt.Errorf("level must be a string or a number, not %s", raw)
	}
}
