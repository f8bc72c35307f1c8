// Package testutil holds what the tests of several packages share: parsing handler output back
// into the maps testing/slogtest wants, and the rule for real peers (skip locally, fail in CI).
package testutil

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

// ParseJSONLines parses newline-separated JSON objects, failing t on a malformed line.
func ParseJSONLines(t testing.TB, b []byte) []map[string]any {
	t.Helper()
	var ms []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("parse %q: %v", line, err)
		}
		ms = append(ms, m)
	}
	return ms
}

// InCI reports whether the tests run under CI, where every real peer must be present.
func InCI() bool { return os.Getenv("CI") == "true" }

// MissingPeer skips t with msg locally and fails it under CI=true, where a missing peer means
// the CI script did not install what the tests need.
func MissingPeer(t testing.TB, msg string) {
	t.Helper()
	if InCI() {
		t.Fatalf("required peer missing under CI=true: %s", msg)
	}
	t.Skip("skipping: " + msg)
}

// LookPath finds a peer program or calls MissingPeer. Extra directories (such as /usr/sbin,
// often not on a user's PATH) are tried after PATH.
func LookPath(t testing.TB, name string, extra ...string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range extra {
		p := dir + "/" + name
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	MissingPeer(t, name+" not found")
	return ""
}
