package slogx_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/slogx/handlers/slogx"
)

// levelDo sends one request to a LevelHandler over v and returns the status and the body.
func levelDo(t *testing.T, v *slog.LevelVar, method, target, contentType, body string) (*httptest.ResponseRecorder, map[string]string) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	slogx.LevelHandler(v).ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var m map[string]string
	if method != http.MethodHead {
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatalf("%s %s %q: answer %q: %v", method, target, body, rec.Body, err)
		}
	}
	return rec, m
}

func TestLevelHandlerGet(t *testing.T) {
	var v slog.LevelVar
	rec, m := levelDo(t, &v, http.MethodGet, "/", "", "")
	if rec.Code != 200 || rec.Body.String() != `{"level":"INFO"}`+"\n" {
		t.Fatalf("%d %q %v", rec.Code, rec.Body, m)
	}
	rec, _ = levelDo(t, &v, http.MethodHead, "/", "", "")
	if rec.Code != 200 {
		t.Fatalf("HEAD: %d", rec.Code)
	}
}

func TestLevelHandlerSet(t *testing.T) {
	const js = "application/json"
	for _, c := range []struct {
		method, target, ctype, body string
		want                        slog.Level
		name                        string
	}{
		{"PUT", "/", js, `{"level":"DEBUG"}`, slog.LevelDebug, "DEBUG"},
		{"POST", "/", js, `{"level":"debug"}`, slog.LevelDebug, "DEBUG"},
		{"PUT", "/", "", `{"level":"WARNING"}`, slog.LevelWarn, "WARN"},
		{"PUT", "/", js, `{"level":"warn"}`, slog.LevelWarn, "WARN"},
		{"PUT", "/", js, `{"level":"ERROR"}`, slog.LevelError, "ERROR"},
		{"PUT", "/", js, `{"level":"CRITICAL"}`, slogx.LevelCritical, "CRITICAL"},
		{"PUT", "/", js, `{"level":"fatal"}`, slogx.LevelCritical, "CRITICAL"},
		{"PUT", "/", js, `{"level":"Critical+1"}`, slogx.LevelCritical + 1, "CRITICAL+1"},
		{"PUT", "/", js, `{"level":"INFO+2"}`, 2, "INFO+2"},
		{"PUT", "/", js, `{"level":"DEBUG-4"}`, -8, "DEBUG-4"},
		// A bare number is slog's, as a JSON number or in a string.
		{"PUT", "/", js, `{"level":4}`, slog.LevelWarn, "WARN"},
		{"PUT", "/", js, `{"level":-4}`, slog.LevelDebug, "DEBUG"},
		{"PUT", "/", js, `{"level":"12"}`, slogx.LevelCritical, "CRITICAL"},
		{"PUT", "/", js, `{"level":10}`, slog.LevelError + 2, "ERROR+2"},
		// Python's numbers carry the prefix.
		{"PUT", "/", js, `{"level":"python:30"}`, slog.LevelWarn, "WARN"},
		{"PUT", "/", js, `{"level":"python:10"}`, slog.LevelDebug, "DEBUG"},
		{"PUT", "/", js, `{"level":"PYTHON:50"}`, slogx.LevelCritical, "CRITICAL"},
		{"PUT", "/", js, `{"level":"python:25"}`, 2, "INFO+2"},
		{"PUT", "/", js + "; charset=utf-8", ` { "level" : "error", "other": 1 } `, slog.LevelError, "ERROR"},
		// Forms, as zap takes them: the body wins over the query.
		{"PUT", "/?level=error", "application/x-www-form-urlencoded", "", slog.LevelError, "ERROR"},
		{"PUT", "/?level=error", "application/x-www-form-urlencoded", "level=debug", slog.LevelDebug, "DEBUG"},
		{"POST", "/", "application/x-www-form-urlencoded", "level=python%3A40", slog.LevelError, "ERROR"},
	} {
		var v slog.LevelVar
		v.Set(100)
		rec, m := levelDo(t, &v, c.method, c.target, c.ctype, c.body)
		if rec.Code != 200 || m["level"] != c.name || v.Level() != c.want {
			t.Errorf("%s %s %q: %d %v, level %v; want 200 %s, %v", c.method, c.target, c.body, rec.Code, m, v.Level(), c.name, c.want)
		}
	}
}

func TestLevelHandlerBadInput(t *testing.T) {
	for _, c := range []struct{ ctype, body, reason string }{
		{"application/json", `{"level":"LOUD"}`, "want DEBUG, INFO"},
		{"application/json", `{}`, "must specify"},
		{"application/json", `{"level":null}`, "must specify"},
		{"application/json", `level=debug`, "malformed request body"},
		{"application/json", ``, "malformed request body"},
		{"application/json", `{"level":"DEBUG"} {"level":"INFO"}`, "more than one"},
		{"application/json", `{"level":4.5}`, "32-bit integer"},
		{"application/json", `{"level":1e3}`, "32-bit integer"},
		{"application/json", `{"level":99999999999}`, "32-bit integer"},
		{"application/json", `{"level":true}`, "string or a number"},
		{"application/json", `{"level":"python:"}`, "python:30"},
		{"application/json", `{"level":"python:WARNING"}`, "python:30"},
		{"application/json", `{"level":"INFO+x"}`, "offset"},
		{"application/json", `{"level":"` + strings.Repeat("x", 8000) + `"}`, "too large"},
		{"application/x-www-form-urlencoded", ``, "must specify"},
		{"application/x-www-form-urlencoded", `level=%zz`, "malformed form"},
	} {
		var v slog.LevelVar
		v.Set(slog.LevelWarn)
		rec, m := levelDo(t, &v, http.MethodPut, "/", c.ctype, c.body)
		if rec.Code != http.StatusBadRequest || !strings.Contains(m["error"], c.reason) || v.Level() != slog.LevelWarn {
			t.Errorf("%q: %d %v, level %v; want 400 with %q, level unchanged", c.body, rec.Code, m, v.Level(), c.reason)
		}
	}
}

func TestLevelHandlerMethodNotAllowed(t *testing.T) {
	var v slog.LevelVar
	rec, m := levelDo(t, &v, http.MethodDelete, "/", "", "")
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD, PUT, POST" || m["error"] == "" {
		t.Fatalf("%d Allow=%q %v", rec.Code, rec.Header().Get("Allow"), m)
	}
}

// Every level the handler names can be sent back and sets that very level.
func TestLevelHandlerNamesRoundTrip(t *testing.T) {
	for l := slog.Level(-20); l <= 30; l++ {
		var v slog.LevelVar
		v.Set(l)
		_, m := levelDo(t, &v, http.MethodGet, "/", "", "")
		var w slog.LevelVar
		body, _ := json.Marshal(map[string]string{"level": m["level"]})
		if rec, _ := levelDo(t, &w, http.MethodPut, "/", "application/json", string(body)); rec.Code != 200 || w.Level() != l {
			t.Errorf("%v named %q came back as %v (%d)", l, m["level"], w.Level(), rec.Code)
		}
	}
}
