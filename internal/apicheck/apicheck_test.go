package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestAPIRecord holds the exported surface of the module to api/v1.txt: a change to either
// without the other fails, naming the lines that differ and the command that rewrites the
// record.
func TestAPIRecord(t *testing.T) {
	root := filepath.Join("..", "..")
	got, err := record(root)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, recordPath))
	if err != nil {
		t.Fatalf("%v: run `go run ./internal/apicheck -w` at the module root", err)
	}
	want := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if slices.Equal(got, want) {
		return
	}
	var added, removed []string
	for _, l := range got {
		if _, ok := slices.BinarySearch(want, l); !ok {
			added = append(added, "+ "+l)
		}
	}
	for _, l := range want {
		if _, ok := slices.BinarySearch(got, l); !ok {
			removed = append(removed, "- "+l)
		}
	}
	t.Fatalf("the exported surface differs from %s:\n%s\nIf the change is meant, run `go run ./internal/apicheck -w` at the module root and commit %s with it.",
		recordPath, strings.Join(append(removed, added...), "\n"), recordPath)
}

// The record names every kind of declaration as Go's api files do, and leaves out what a
// user cannot import or reach.
func TestAPIRecordForms(t *testing.T) {
	got, err := record(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"pkg netsink/syslog, func New(Options, *slogx.Options) (*Handler, error)",
		"pkg netsink/syslog, const LOG_LOCAL0 Facility = 16",
		"pkg netsink, type Delivery struct, Buffer int",
		"pkg netsink, type SocketOptions struct, embedded Delivery",
		"pkg slogx, type Encoder interface, Append([]byte, slog.Record) []byte",
	} {
		if _, ok := slices.BinarySearch(got, want); !ok {
			t.Errorf("missing %q", want)
		}
	}
	for _, l := range got {
		if strings.Contains(l, "internal") || strings.HasPrefix(l, "pkg examples") || strings.Contains(l, "pkg benchmarks") {
			t.Errorf("not importable: %q", l)
		}
	}
}
