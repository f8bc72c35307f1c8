package benchmarks

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slogx/handlers/rotate"
)

// rotateOption is a case of BenchmarkRotateOptions: a rotate.SizeOptions variant measured
// against the plain file and against slogx-size without the option.
type rotateOption struct {
	name     string
	maxBytes int64
	opt      string // the impl with the option: slogx-size-lock or slogx-size-compress
	parallel bool   // b.RunParallel: GOMAXPROCS goroutines writing
}

// rotateOptions: Lock (the flock across processes) without and with rollovers, and from
// parallel goroutines; Compress (gzip of every backup on a background goroutine) with
// rollovers every 1 MiB.
var rotateOptions = []rotateOption{
	{name: "lock", maxBytes: 1 << 40, opt: "slogx-size-lock"},
	{name: "lock-rotate-1MiB", maxBytes: 1 << 20, opt: "slogx-size-lock"},
	{name: "lock-parallel", maxBytes: 1 << 40, opt: "slogx-size-lock", parallel: true},
	{name: "compress-rotate-1MiB", maxBytes: 1 << 20, opt: "slogx-size-compress"},
}

// rotateOptionWriters returns the implementations of c, baseline first: plain-file,
// slogx-size (rotate.NewSize without the option) and c.opt.
func rotateOptionWriters(c rotateOption) []rotateWriter {
	size := func(name string, o rotate.SizeOptions) rotateWriter {
		return rotateWriter{name, func(dir string) (io.WriteCloser, error) {
			o.MaxBytes, o.BackupCount = c.maxBytes, rotateBackups
			return rotate.NewSize(filepath.Join(dir, "size.log"), o)
		}}
	}
	o := rotate.SizeOptions{Files: rotate.Files{Lock: c.opt == "slogx-size-lock", Compress: c.opt == "slogx-size-compress"}}
	return []rotateWriter{rotateWriters(rotateCases[0])[0], size("slogx-size", rotate.SizeOptions{}), size(c.opt, o)}
}

// BenchmarkRotateOptions measures the options of size rotation that cost something.
//
// Names: BenchmarkRotateOptions/<case>/<impl> (see rotateOptions), every impl writing
// rotateLine per Write; plain-file, the first, is the baseline. cpu-ns/op includes Close —
// for Compress, waiting for the background gzip of every backup, which is the option's real
// cost — while ns/op does not.
func BenchmarkRotateOptions(b *testing.B) {
	line := rotateLine()
	for _, c := range rotateOptions {
		b.Run(c.name, func(b *testing.B) {
			for _, w := range rotateOptionWriters(c) {
				b.Run(w.name, func(b *testing.B) {
					f, err := w.open(b.TempDir())
					if err != nil {
						b.Fatal(err)
					}
					b.SetBytes(int64(len(line)))
					start, ok := cpuTime()
					loop(b, c.parallel, func() error { _, err := f.Write(line); return err })
					if err := f.Close(); err != nil {
						b.Fatal(err)
					}
					if end, ok2 := cpuTime(); ok && ok2 {
						b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op") // with Close
					}
				})
			}
		})
	}
}

// TestRotateOptionsKeepEveryLine checks the equal work of BenchmarkRotateOptions: n lines
// become n whole copies of rotateLine across the files (gunzipped; the .lock side file
// aside), and the rotating cases rotate.
func TestRotateOptionsKeepEveryLine(t *testing.T) {
	line := rotateLine()
	for _, c := range rotateOptions {
		n := 100
		if c.maxBytes < 1<<30 {
			n = int(c.maxBytes*3/2)/len(line) + 1 // one rollover, fewer than rotateBackups
		}
		for _, w := range rotateOptionWriters(c) {
			dir := t.TempDir()
			f, err := w.open(dir)
			if err != nil {
				t.Fatal(err)
			}
			for range n {
				if _, err := f.Write(line); err != nil {
					t.Fatalf("%s/%s: %v", c.name, w.name, err)
				}
			}
			if err := f.Close(); err != nil {
				t.Fatalf("%s/%s: %v", c.name, w.name, err)
			}
			total, files := 0, 0
			ents, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range ents {
				if strings.HasSuffix(e.Name(), ".lock") {
					continue
				}
				data := readMaybeGzip(t, filepath.Join(dir, e.Name()))
				k := len(data) / len(line)
				if !bytes.Equal(data, bytes.Repeat(line, k)) {
					t.Errorf("%s/%s: %s is not %d whole lines", c.name, w.name, e.Name(), k)
				}
				total, files = total+k, files+1
			}
			if total != n {
				t.Errorf("%s/%s: %d lines, want %d", c.name, w.name, total, n)
			}
			if rotates := c.maxBytes < 1<<30 && w.name != "plain-file"; rotates != (files > 1) {
				t.Errorf("%s/%s: %d files", c.name, w.name, files)
			}
		}
	}
}

func readMaybeGzip(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(name, ".gz") {
		return data
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}
