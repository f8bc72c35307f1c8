package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/slogx/handlers/slogx"
)

// levelBodyLimit bounds a level request's body, as slogx.LevelHandler does: a logger name
// and a level fit in a few bytes.
const levelBodyLimit = 4 << 10

const levelAllow = "GET, HEAD, PUT, POST"

// levelJSON is a logger's level in LevelHandler's answers.
type levelJSON struct {
	Logger    string `json:"logger"`
	Level     string `json:"level"`
	Effective string `json:"effective"`
}

// LevelHandler returns an HTTP handler that lists and changes the loggers' levels at run
// time — Python's logging.config.listen for a Go service, speaking JSON:
//
//	GET          200 {"loggers":[{"logger":"root","level":"WARNING","effective":"WARNING"},
//	                             {"logger":"app.db","level":"NOTSET","effective":"WARNING"}, ...]}
//	PUT or POST  {"logger":"app.db","level":"DEBUG"} sets the level (SetLevel) and answers
//	             200 {"logger":"app.db","level":"DEBUG","effective":"DEBUG"}
//	bad input    400 {"error":"<why>"}, nothing changed
//	other        405 {"error":"..."} with an Allow header
//
// GET lists what Levels lists: every logger the document configures or SetLevel named,
// root first. HEAD answers as GET without a body. A PUT or POST whose Content-Type is
// application/x-www-form-urlencoded may send logger=app.db&level=debug instead. The logger
// must be one Levels lists or one the program asked Logger for: an unknown name is a 400,
// so that a typo cannot go unnoticed. "root" is the root logger.
//
// A level is read as slogx.LevelHandler reads it — a name in any case (DEBUG, INFO, WARN,
// WARNING, ERROR, CRITICAL, FATAL, with slog's offsets such as "INFO+2"), a bare integer on
// slog's scale, or Python's number after "python:" ("python:10" is DEBUG) — plus NOTSET,
// which removes the logger's own level so that it inherits its parent's. Answers name
// levels as Python does (DEBUG, INFO, WARNING, ERROR, CRITICAL, NOTSET; slog's names for
// levels in between); every answer can be sent back as a request. Bodies are limited to 4
// KiB, as slogx.LevelHandler's.
//
// The handler is safe for concurrent use. It does no authentication: mount it where only
// operators reach it.
func (l *Logging) LevelHandler() http.Handler { return levelHandler{l} }

type levelHandler struct{ l *Logging }

func (h levelHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		levels := h.l.Levels()
		out := struct {
			Loggers []levelJSON `json:"loggers"`
		}{make([]levelJSON, len(levels))}
		for i, lv := range levels {
			out.Loggers[i] = levelJSON{lv.Logger, levelText(lv.Level), levelText(lv.Effective)}
		}
		writeJSON(w, http.StatusOK, out)
	case http.MethodPut, http.MethodPost:
		name, level, err := decodeLoggerLevel(w, r)
		if err == nil {
			err = h.l.setKnownLevel(name, level)
		}
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		for _, lv := range h.l.Levels() {
			if lv.Logger == recordName(canonical(name)) {
				writeJSON(w, http.StatusOK, levelJSON{lv.Logger, levelText(lv.Level), levelText(lv.Effective)})
				return
			}
		}
	default:
		w.Header().Set("Allow", levelAllow)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": fmt.Sprintf("method %s not allowed: use %s", r.Method, levelAllow)})
	}
}

// setKnownLevel is SetLevel for a logger the configuration knows (configured, set, or
// handed out by Logger).
func (l *Logging) setKnownLevel(name string, level slog.Level) error {
	n := canonical(name)
	l.mu.Lock()
	defer l.mu.Unlock()
	_, configured := l.loggers[n]
	_, used := l.cache[n]
	if !configured && !used {
		return fmt.Errorf("unknown logger %q: name one the document configures or the program uses (GET lists them)", name)
	}
	l.setLevel(n, level)
	l.refresh()
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v) // strings only: cannot fail
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// decodeLoggerLevel reads {"logger": ..., "level": ...} from a JSON or form body.
func decodeLoggerLevel(w http.ResponseWriter, r *http.Request) (string, slog.Level, error) {
	r.Body = http.MaxBytesReader(w, r.Body, levelBodyLimit)
	const usage = `{"logger":"app.db","level":"DEBUG"}`
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		if err := r.ParseForm(); err != nil {
			return "", 0, fmt.Errorf("malformed form: %v", err)
		}
		name, level := r.Form.Get("logger"), r.Form.Get("level")
		if name == "" || level == "" {
			return "", 0, errors.New("must specify the logger and the level: logger=app.db&level=debug")
		}
		l, err := parseLevelText(level)
		return name, l, err
	}
	var p struct {
		Logger string          `json:"logger"`
		Level  json.RawMessage `json:"level"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return "", 0, fmt.Errorf("malformed request body (want %s): %v", usage, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", 0, errors.New("malformed request body: more than one JSON value")
	}
	if p.Logger == "" {
		return "", 0, errors.New("must specify the logger: " + usage)
	}
	switch raw := strings.TrimSpace(string(p.Level)); {
	case raw == "" || raw == "null":
		return "", 0, errors.New("must specify the level: " + usage)
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(p.Level, &s); err != nil {
			return "", 0, fmt.Errorf("malformed level: %v", err)
		}
		l, err := parseLevelText(s)
		return p.Logger, l, err
	default:
		l, err := slogx.ParseLevel(raw)
		return p.Logger, l, err
	}
}

// parseLevelText is slogx.ParseLevel plus NOTSET.
func parseLevelText(s string) (slog.Level, error) {
	if strings.EqualFold(strings.TrimSpace(s), "NOTSET") {
		return NotSet, nil
	}
	return slogx.ParseLevel(s)
}
