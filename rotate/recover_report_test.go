package rotate_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slogx/handlers/rotate"
	"github.com/slogx/handlers/slogx"
)

// A crash's half-done rollover that cannot be finished while opening must reach the handler's
// OnError and Stats, once, with the path named once.
func TestRecoveryFailureAtOpenIsReported(t *testing.T) {
	boom := errors.New("boom")
	for name, open := range map[string]func(path string, opts *slogx.Options) (*slogx.Handler, error){
		"size": func(path string, opts *slogx.Options) (*slogx.Handler, error) {
			return rotate.NewSizeHandler(path, rotate.SizeOptions{MaxBytes: 100, BackupCount: 2,
				Files: rotate.Files{Rotator: func(string, string) error { return boom }}}, opts)
		},
		"timed": func(path string, opts *slogx.Options) (*slogx.Handler, error) {
			// A complete .gz beside its original: recovery removes the original, which
			// fails when the original is a non-empty directory.
			if err := os.MkdirAll(filepath.Join(path+".2026-01-01", "x"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path+".2026-01-01.gz", []byte("gz"), 0o644); err != nil {
				t.Fatal(err)
			}
			return rotate.NewTimedHandler(path, rotate.TimedOptions{When: "D", BackupCount: 3,
				Now: func() time.Time { return time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC) }, Files: rotate.Files{Compress: true}}, opts)
		},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.log")
			if err := os.WriteFile(path+".rotating", []byte("old\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var got []error
			h, err := open(path, &slogx.Options{OnError: func(err error) {
				mu.Lock()
				got = append(got, err)
				mu.Unlock()
			}})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			mu.Lock()
			defer mu.Unlock()
			if len(got) != 1 {
				t.Fatalf("OnError got %d errors %v, want 1", len(got), got)
			}
			msg := got[0].Error()
			if !strings.HasPrefix(msg, "rotate "+path+": recover: ") || strings.Count(msg, "rotate ") != 1 {
				t.Errorf("message %q: want one %q prefix", msg, "rotate "+path+": recover: ")
			}
			if s := h.Stats(); s.Errors != 1 {
				t.Errorf("Stats().Errors = %d, want 1", s.Errors)
			}
		})
	}
}
