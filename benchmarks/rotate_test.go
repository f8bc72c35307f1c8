package benchmarks

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/slogx/handlers/rotate"
	"github.com/slogx/handlers/slogx"
	"gopkg.in/natefinch/lumberjack.v2"
)

// rotateCase is one rotation workload: the size at which files rotate, the same for every
// implementation.
type rotateCase struct {
	name     string
	maxBytes int64 // rotate.SizeOptions.MaxBytes
	maxMB    int   // lumberjack.Logger.MaxSize, in MiB: maxBytes / 1 MiB
	timed    bool  // whether slogx-timed belongs to this case (it never rotates in a run)
}

// rotateCases: "no-rotation" sets a limit (1 TiB) that a run never reaches, so the size check
// is paid but never the rollover; "rotate-1MiB" rolls over every 1 MiB (lumberjack's smallest
// MaxSize), keeping 3 backups, so rollovers are part of the cost.
var rotateCases = []rotateCase{
	{name: "no-rotation", maxBytes: 1 << 40, maxMB: 1 << 20, timed: true},
	{name: "rotate-1MiB", maxBytes: 1 << 20, maxMB: 1},
}

const rotateBackups = 3

// rotateRecord is the record of the Rotate benchmarks: level Info, the message and both
// attribute sets of fixtures_test.go (10 attributes).
func rotateRecord() slog.Record {
	r := slog.NewRecord(benchTime, slog.LevelInfo, msg, 0)
	r.AddAttrs(attrsA...)
	r.AddAttrs(attrsB...)
	return r
}

// rotateLine is rotateRecord encoded by slogx's default (JSON) handler, newline included
// (233 bytes): what the file-level benchmarks write, and exactly what the handler-level
// ones write after encoding.
func rotateLine() []byte {
	var buf bytes.Buffer
	if err := slogx.NewHandler(&buf, nil).Handle(context.Background(), rotateRecord()); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// rotateWriter is one file implementation: open returns a writer on a new file in dir that
// takes one record per Write.
type rotateWriter struct {
	name string
	open func(dir string) (io.WriteCloser, error)
}

// rotateWriters returns the implementations of c, baseline first: plain-file (an append-only
// *os.File that never rotates: what any rotation costs on top of writing), slogx-size
// (rotate.NewSize), slogx-timed (rotate.NewTimed, daily, so no rollover in a run but a clock
// read per Write; "no-rotation" only) and lumberjack (a lumberjack.Logger, size rotation).
func rotateWriters(c rotateCase) []rotateWriter {
	ws := []rotateWriter{
		{"plain-file", func(dir string) (io.WriteCloser, error) {
			return os.OpenFile(filepath.Join(dir, "plain.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		}},
		{"slogx-size", func(dir string) (io.WriteCloser, error) {
			return rotate.NewSize(filepath.Join(dir, "size.log"), rotate.SizeOptions{MaxBytes: c.maxBytes, BackupCount: rotateBackups})
		}},
	}
	if c.timed {
		ws = append(ws, rotateWriter{"slogx-timed", func(dir string) (io.WriteCloser, error) {
			return rotate.NewTimed(filepath.Join(dir, "timed.log"), rotate.TimedOptions{When: "D"})
		}})
	}
	return append(ws, rotateWriter{"lumberjack", func(dir string) (io.WriteCloser, error) {
		return &lumberjack.Logger{Filename: filepath.Join(dir, "lj.log"), MaxSize: c.maxMB, MaxBackups: rotateBackups}, nil
	}})
}

// rotateHandler is one implementation behind a slogx.Handler: open returns a handler writing
// to a new file in dir, with slogx's default JSON encoder, so every row encodes the same
// record to the same bytes and differs only in the file underneath.
type rotateHandler struct {
	name string
	open func(dir string) (*slogx.Handler, error)
}

// rotateHandlers returns the handler-level implementations of c, in rotateWriters' order:
// slogx.NewHandler on the plain file, rotate.NewSizeHandler, rotate.NewTimedHandler and
// rotate.Lumberjack.
func rotateHandlers(c rotateCase) []rotateHandler {
	hs := []rotateHandler{
		{"plain-file", func(dir string) (*slogx.Handler, error) {
			f, err := os.OpenFile(filepath.Join(dir, "plain.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
			if err != nil {
				return nil, err
			}
			return slogx.NewHandler(f, nil), nil
		}},
		{"slogx-size", func(dir string) (*slogx.Handler, error) {
			return rotate.NewSizeHandler(filepath.Join(dir, "size.log"), rotate.SizeOptions{MaxBytes: c.maxBytes, BackupCount: rotateBackups}, nil)
		}},
	}
	if c.timed {
		hs = append(hs, rotateHandler{"slogx-timed", func(dir string) (*slogx.Handler, error) {
			return rotate.NewTimedHandler(filepath.Join(dir, "timed.log"), rotate.TimedOptions{When: "D"}, nil)
		}})
	}
	return append(hs, rotateHandler{"lumberjack", func(dir string) (*slogx.Handler, error) {
		l := &lumberjack.Logger{Filename: filepath.Join(dir, "lj.log"), MaxSize: c.maxMB, MaxBackups: rotateBackups}
		return rotate.Lumberjack(l, nil), nil
	}})
}

// BenchmarkRotate measures rotating files against a plain file.
//
// Names: BenchmarkRotate/<case>/<impl>, where every impl gets the same pre-encoded line per
// Write (b.SetBytes: MB/s), and BenchmarkRotate/handler-<case>/<impl>, the same files behind a
// slogx.Handler that encodes rotateRecord per call (more work per op than the file level:
// compare within a group only). plain-file is the baseline of every group (built-in rule of
// cmd/benchtable). Files are in b.TempDir; the time to close them (for slogx-size, waiting for
// the background renames of the last rollover) is not measured.
func BenchmarkRotate(b *testing.B) {
	line := rotateLine()
	for _, c := range rotateCases {
		b.Run(c.name, func(b *testing.B) {
			for _, w := range rotateWriters(c) {
				b.Run(w.name, func(b *testing.B) {
					f, err := w.open(b.TempDir())
					if err != nil {
						b.Fatal(err)
					}
					b.SetBytes(int64(len(line)))
					loop(b, false, func() error { _, err := f.Write(line); return err })
					if err := f.Close(); err != nil {
						b.Fatal(err)
					}
				})
			}
		})
	}
	ctx := context.Background()
	r := rotateRecord()
	for _, c := range rotateCases {
		b.Run("handler-"+c.name, func(b *testing.B) {
			for _, rh := range rotateHandlers(c) {
				b.Run(rh.name, func(b *testing.B) {
					h, err := rh.open(b.TempDir())
					if err != nil {
						b.Fatal(err)
					}
					b.SetBytes(int64(len(line)))
					loop(b, false, func() error { return h.Handle(ctx, r) })
					if err := h.Close(); err != nil {
						b.Fatal(err)
					}
					if s := h.Stats(); s.Errors != 0 {
						b.Fatalf("%d errors (rotation failures included)", s.Errors)
					}
				})
			}
		})
	}
}

// TestRotateImplsKeepEveryLine checks that the Rotate implementations do the work they are
// benchmarked for: at both levels, n records written become n whole lines, byte for byte
// rotateLine, spread over the files of the directory, and "rotate-1MiB" does rotate (more
// than one file) for the rotating implementations.
func TestRotateImplsKeepEveryLine(t *testing.T) {
	line := rotateLine()
	ctx := context.Background()
	r := rotateRecord()
	for _, c := range rotateCases {
		n := 100
		if c.maxBytes < 1<<30 {
			n = int(c.maxBytes*3/2)/len(line) + 1 // one rollover, fewer than rotateBackups
		}
		check := func(t *testing.T, name, dir string) {
			t.Helper()
			ents, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, e := range ents {
				data, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				k := len(data) / len(line)
				if !bytes.Equal(data, bytes.Repeat(line, k)) {
					t.Errorf("%s: %s is not %d whole lines of rotateLine (%d bytes)", name, e.Name(), k, len(data))
				}
				total += k
			}
			if total != n {
				t.Errorf("%s: %d lines in %d files, want %d", name, total, len(ents), n)
			}
			rotates := c.maxBytes < 1<<30 && name != "plain-file"
			if rotates && len(ents) < 2 || !rotates && len(ents) != 1 {
				t.Errorf("%s: %d files after %d bytes (MaxBytes %d)", name, len(ents), n*len(line), c.maxBytes)
			}
		}
		t.Run(c.name, func(t *testing.T) {
			for _, w := range rotateWriters(c) {
				dir := t.TempDir()
				f, err := w.open(dir)
				if err != nil {
					t.Fatal(err)
				}
				for range n {
					if _, err := f.Write(line); err != nil {
						t.Fatalf("%s: %v", w.name, err)
					}
				}
				if err := f.Close(); err != nil {
					t.Fatalf("%s: %v", w.name, err)
				}
				check(t, w.name, dir)
			}
		})
		t.Run("handler-"+c.name, func(t *testing.T) {
			for _, rh := range rotateHandlers(c) {
				dir := t.TempDir()
				h, err := rh.open(dir)
				if err != nil {
					t.Fatal(err)
				}
				for range n {
					if err := h.Handle(ctx, r); err != nil {
						t.Fatalf("%s: %v", rh.name, err)
					}
				}
				if err := h.Close(); err != nil {
					t.Fatalf("%s: %v", rh.name, err)
				}
				if s := h.Stats(); s.Records != uint64(n) || s.Errors != 0 {
					t.Errorf("%s: stats %+v, want %d records, no error", rh.name, s, n)
				}
				check(t, rh.name, dir)
			}
		})
	}
}
